import type { Config } from 'jest';

/**
 * One Jest run over every package. TypeScript is compiled by @swc/jest (fast, and independent of
 * the TypeScript compiler's version); workspace packages resolve to their sources, so tests never
 * run against a stale build.
 */
const config: Config = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^bottender$': '<rootDir>/packages/bottender/src/index.ts',
    '^bottender/(testing|connector|store|router)$': '<rootDir>/packages/bottender/src/$1/index.ts',
    '^@bottender/(line|redis|telegram|slack|mongo|postgres|dev-console)$': '<rootDir>/packages/$1/src/index.ts',
    '^@bottender/(line|telegram|slack)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
  },
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 60_000,
};

export default config;
