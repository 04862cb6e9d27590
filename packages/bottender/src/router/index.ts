/**
 * `bottender/router`, the module Bottender 1.x handlers import routes from:
 * `const { router, route, text, payload } = require('bottender/router')`.
 */
export { payload, route, router, text } from './router';
export type { Pattern, Route, RoutePredicate } from './router';
export { line, slack, telegram } from './platforms';
