// Every regular expression a user types or configures (the sessions filter, a log check's
// pattern) is compiled here, on RE2 (the pure-JS port re2js): matching takes time linear in the
// text whatever the pattern, so no pattern can block the event loop the way `(a+)+$` blocks a
// backtracking engine such as V8's. RE2 has no backreferences or lookaround: a pattern using them
// is refused with the reason, never run.
import {RE2JS} from 're2js';

/** A compiled user pattern: does it match somewhere in a text? */
export type UserPattern = {test(text: string): boolean};

/** A user pattern compiled, or why it is refused. */
export type CompiledPattern = {pattern: UserPattern; error?: undefined} | {pattern?: undefined; error: string};

/** Compiles a user's regular expression for linear-time matching; a pattern RE2 refuses gives `error` ("not a regular expression: …"). */
export function compileUserPattern(source: string, options: {ignoreCase?: boolean} = {}): CompiledPattern {
	try {
		const compiled = RE2JS.compile(source, options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
		return {pattern: {test: text => compiled.test(text)}};
	} catch (error) {
		// RE2 says "error parsing regexp: missing closing ): `(?i)(a`": keep the reason, and the part
		// it quotes unless that is the whole pattern (with the flag re2js puts in front).
		const message = error instanceof Error ? error.message : String(error);
		const reason = message.replace(/^error parsing regexp: /, '').replace(/: `(.*)`$/s, (part, quoted: string) => (quoted.replace(/^\(\?i\)/, '') === source ? '' : part));
		return {error: `not a regular expression: ${reason}`};
	}
}
