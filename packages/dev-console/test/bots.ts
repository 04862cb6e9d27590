import type { Action } from 'bottender';

/**
 * The bot the browser tests chat with: a counter that answers on LINE with the message kinds the
 * page renders (text with quick replies, a buttons template, Flex, a sticker), records postbacks
 * in its state, and throws on "boom".
 */
export const showcaseApp: Action<any> = async (context) => {
  const event = context.event;
  if (event.isPayload) {
    context.setState({ lastPostback: event.payload });
    await context.sendText(`postback handled: ${event.payload}`);
    return;
  }
  if (event.isSticker) {
    await context.sendSticker({ packageId: '446', stickerId: '1989' });
    return;
  }
  if (event.text === 'boom') {
    context.setState({ count: 999 });
    throw new Error('boom: the handler failed on purpose');
  }
  if (event.text === 'menu') {
    await context.sendButtonsTemplate('Menu', {
      title: 'Coffee',
      text: 'What would you like?',
      actions: [
        { type: 'postback', label: 'Buy a latte', data: 'action=buy&item=latte' },
        { type: 'message', label: 'Say hi', text: 'hi' },
        { type: 'uri', label: 'Open the menu', uri: 'https://example.com/menu' },
      ],
    });
    return;
  }
  if (event.text === 'coupon') {
    // A kind the page has no renderer for: shown as its JSON. Pushed, so it is also the push path.
    await context.push({ type: 'coupon', couponId: 'COUPON-2026' });
    return;
  }
  if (event.text === 'flex') {
    await context.sendFlex('Your order', {
      type: 'bubble',
      header: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Order #42', weight: 'bold', size: 'lg' }] },
      body: {
        type: 'box',
        layout: 'vertical',
        contents: [
          { type: 'box', layout: 'horizontal', contents: [{ type: 'text', text: 'Latte' }, { type: 'text', text: '$4.50', color: '#888888' }] },
          { type: 'separator' },
          { type: 'box', layout: 'horizontal', contents: [{ type: 'text', text: 'Total', weight: 'bold' }, { type: 'text', text: '$4.50', weight: 'bold' }] },
        ],
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [{ type: 'button', style: 'primary', action: { type: 'postback', label: 'Pay now', data: 'action=pay&order=42' } }],
      },
    });
    return;
  }
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`, {
    quickReply: { items: [{ type: 'action', action: { type: 'message', label: 'again', text: 'again' } }] },
  });
};
