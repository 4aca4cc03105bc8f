// @ts-check
/**
 * What a scenario gets from the runner and what it returns.
 *
 * @typedef {object} ScenarioContext
 * @property {number} port the broker's loopback port
 * @property {number} brokerPid for CPU and RSS readings
 * @property {import('../lib/client.js').SocketPool} pool every socket the scenario opens
 * @property {Record<string, number>} p the scenario's parameters (full or --quick)
 *
 * @typedef {Record<string, number | boolean | string | null>} Metrics
 *
 * @typedef {object} Scenario
 * @property {string} name used by --only and in the results file
 * @property {string} title
 * @property {{ full: Record<string, number>, quick: Record<string, number> }} params
 * @property {(p: Record<string, number>) => number} timeoutMs hard bound for one run
 * @property {(ctx: ScenarioContext) => Promise<Metrics>} run
 */
export {};
