/** Helpers every package uses to word its errors the same way. */
export { article, describeValue, type DescribeValueOptions } from './describe-value';
export { closestKey, didYouMean, editDistance, unknownKeyMessage, unknownKeys } from './closest-key';
