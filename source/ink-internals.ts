// Ink's internal modules that dbtop patches at run time (ink-incremental-fix.ts). Ink's package
// exports only its index, so they are imported by file path — and statically, so that each is the
// very module instance Ink's own code imports: under Node (one instance per file) and in the
// esbuild bundle (one per path). A lookup at run time (import.meta.resolve('ink') and a dynamic
// import) would, in the bundle, patch a second copy from node_modules that Ink never calls.
// A fix for another of Ink's modules imports it here the same way.
export {default as logUpdate} from '../node_modules/ink/build/log-update.js';
