// The counter handler every framework target runs: Bottender 1.x's, unchanged.
'use strict';

module.exports = async function App(context) {
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
};
