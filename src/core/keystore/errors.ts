/**
 * The keystore codec's errors. The engine's whole error family is defined in ../errors.ts; this module
 * re-exports it so the codec's modules keep importing their errors from beside them.
 */
export * from '../errors';
