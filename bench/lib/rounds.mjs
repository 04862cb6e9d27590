// The order every bench script runs its targets in: each started and warmed up, then the
// scenarios round by round.

/**
 * Starts each target of `targets` with `launch(name)` (which returns the started child, warmed
 * up), then runs the `scenarios` `rounds` times: in each round every scenario, on every live
 * target back to back, so that a same-round ratio compares runs made under about the same
 * background load. `measure({ name, child, scenario, index, round })` returns a run's result,
 * printed with `describe(tag, result)`. Appends to `runs` a `{ scenario, target, error }` per
 * scenario of a target that did not start, and a `{ scenario, target, round, result | error }`
 * per run; a target whose run failed is not run again. `label(name)` names a target that did not
 * start. Returns the children of the targets that started.
 */
export async function runRounds({ targets, scenarios, rounds, launch, measure, describe, say, runs, label = (name) => name }) {
  const live = [];
  for (const name of targets) {
    try {
      live.push({ name, child: await launch(name) });
    } catch (error) {
      say(`${label(name)} not run: ${error.message}`);
      for (const scenario of scenarios) runs.push({ scenario, target: name, error: String(error.message) });
    }
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [index, scenario] of scenarios.entries()) {
      for (const { name, child } of live) {
        if (child.dead) continue;
        try {
          const result = await measure({ name, child, scenario, index, round });
          runs.push({ scenario, target: name, round, result });
          say(describe(`${scenario} run ${round} ${name}`, result));
        } catch (error) {
          child.dead = true;
          runs.push({ scenario, target: name, round, error: error.message });
          say(`${scenario} run ${round} ${name} failed: ${error.message}`);
        }
      }
    }
  }
  return live.map(({ child }) => child);
}
