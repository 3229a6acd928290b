/** `ExecutionsConfig` (or the parts a runner reads) for the effect runners. */
export const EFFECTS_CONFIG = Symbol('EFFECTS_CONFIG');
/** Optional `HttpEffectRunnerOptions`. */
export const HTTP_EFFECT_RUNNER_OPTIONS = Symbol('HTTP_EFFECT_RUNNER_OPTIONS');
