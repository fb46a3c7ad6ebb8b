export * from './model';
export { Prng } from './prng';
export { solve } from './solver/solve';
export { solveParallel, type ParallelOptions } from './solver/parallel';
export { SolverPool, withSharedMatrices, type SolverPoolOptions } from './solver/pool';
export { checkSolution, type CheckResult } from './checker/check-solution';
export { parseSolomon, solomonProblem, type SolomonInstance } from './solomon';
export { generateRuralScenario, type RuralScenario, type RuralScenarioOptions } from './rural-scenario';
export { parseLiLim, liLimProblem, type LiLimInstance } from './lilim';
