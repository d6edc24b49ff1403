/** A command-line or configuration mistake: one line naming the input and what is accepted; exit code 2. */
export class UsageError extends Error {}
