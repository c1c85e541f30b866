/** The advisor: what `fanout advise` and `strategy: 'auto'` use. */
export { advise } from './advise.js';
export {
  AUTO_BUDGET_MS,
  AUTO_MAX_SHARE_OF_JOB,
  AUTO_SAMPLE_MAX,
  type AutoChoice,
  autoSampleSize,
  type ChooseStrategyOptions,
  chooseStrategy,
} from './auto.js';
export { renderAdvice, renderRecommendation } from './render.js';
export type {
  Advice,
  AdviceMeasurements,
  AdviseOptions,
  MessageFigures,
  Probe,
  Projection,
  SampleFigures,
  StartupFigures,
  Verdict,
  VerdictKind,
} from './types.js';
