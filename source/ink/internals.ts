// Ink's internal modules that dbtop patches at run time (incremental-fix.ts, output-fix.ts).
// Ink's package exports only its index, so they are imported by file path — and statically, so
// that each is the very module instance Ink's own code imports: under Node (one instance per
// file) and in the esbuild bundle (one per path). A lookup at run time (import.meta.resolve('ink')
// and a dynamic import) would, in the bundle, patch a second copy from node_modules that Ink
// never calls. The text libraries are the ones Ink's Output uses; they keep no state, so the
// copy the package manager resolves for dbtop serves as well as Ink's.
export {default as logUpdate} from '../../node_modules/ink/build/log-update.js';
export {default as Output} from '../../node_modules/ink/build/output.js';
export {default as measureText} from '../../node_modules/ink/build/measure-text.js';
export {default as wrapText} from '../../node_modules/ink/build/wrap-text.js';
export {default as inkPackage} from '../../node_modules/ink/package.json' with {type: 'json'};
export {default as sliceAnsi} from 'slice-ansi';
export {default as stringWidth} from 'string-width';
export {ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, styledCharsToString, tokenize} from '@alcalzone/ansi-tokenize';
