import type { Redis } from 'ioredis';

import type { RedisSessionStore } from '../../src';

/** Calls `listener` with every command the store's client sends from now on, before it is sent. */
function onEachCommand(store: RedisSessionStore, listener: (command: { name: string; args: unknown[] }) => void): void {
  const client = store.client as Redis;
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string; args: unknown[] }, stream?: unknown) => {
    listener(command);
    return original(command as never, stream as never);
  }) as typeof client.sendCommand;
}

/** Records the name of every command the store's client sends from now on. */
export function recordCommandNames(store: RedisSessionStore): string[] {
  const sent: string[] = [];
  onEachCommand(store, (command) => sent.push(command.name));
  return sent;
}

/** Records every command the store's client sends from now on, with its arguments (keys included). */
export function recordCommands(store: RedisSessionStore): string[][] {
  const sent: string[][] = [];
  onEachCommand(store, (command) => sent.push([command.name, ...command.args.map(String)]));
  return sent;
}
