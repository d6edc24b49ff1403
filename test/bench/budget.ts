// How every benchmark prints a budget: the figure, the limit and whether it was met.

/** A budget's verdict. */
export const verdict = (isMet: boolean): string => (isMet ? 'met' : 'missed');

/** `a / b` as the benchmarks print ratios (`1.64x`); b is floored so an idle side cannot divide by zero. */
export const ratioOf = (a: number, b: number, floor = 0.01): number => a / Math.max(b, floor);

/** The htop spec the side-by-side benchmarks run as their yardstick (its own 1 s refresh). */
export const htopSpec = (path: string) => ({label: 'htop -d 10 (the yardstick, same window)', command: [path, '-d', '10'], executable: 'htop', ready: /PID USER/});
