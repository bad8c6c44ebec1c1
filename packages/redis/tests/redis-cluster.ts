import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { PrivateRedis } from './redis-server.ts';

const run = promisify(execFile);

/** The config every node of the test cluster runs with (the node timeout comes from {@link PrivateCluster.start}). */
const NODE_ARGS = [
  '--cluster-enabled',
  'yes',
  '--cluster-config-file',
  'nodes.conf',
  // A replica always may take over, however long it was cut off (the test kills masters on purpose).
  '--cluster-replica-validity-factor',
  '0',
  // DEBUG SLEEP from loopback: the loss test stalls a replica so it falls behind its master.
  '--enable-debug-command',
  'local',
];

async function clusterInfo(port: number): Promise<string> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 500,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.cluster('INFO')) as string;
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}

/**
 * A real Redis Cluster of this test's own: 3 masters and 3 replicas, each a redis-server on a spare loopback port in
 * one temp directory, joined with `redis-cli --cluster create`. {@link PrivateCluster.destroy} kills exactly these
 * processes and removes the directory.
 */
export class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly nodes: PrivateRedis[],
  ) {}

  /**
   * Starts the cluster. `nodeTimeoutMs` (default 1000: a replica takes over within seconds of a master's death) is
   * `cluster-node-timeout`; tests that kill nothing use a longer one, so a loaded machine causes no spurious failover.
   */
  static async start(options: { nodeTimeoutMs?: number } = {}): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'ssekit-redis-cluster-'));
    const nodes: PrivateRedis[] = [];
    const args = [...NODE_ARGS, '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000)];
    try {
      for (let i = 0; i < 6; i++) nodes.push(await PrivateRedis.start(args, join(dir, `node-${i}`)));
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        { timeout: 30_000 },
      );
      const cluster = new PrivateCluster(dir, nodes);
      await cluster.waitHealthy();
      return cluster;
    } catch (error) {
      for (const node of nodes) await node.kill();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** `host:port` of every node, comma-separated (the `REDIS_CLUSTER_NODES` form). */
  get nodeList(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** Startup nodes for a cluster client. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** Waits until every running node reports `cluster_state:ok` and every slot is served (bounded). */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const infos = await Promise.all(this.nodes.filter((n) => n.running).map((n) => clusterInfo(n.port)));
      if (infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'))) return;
      if (Date.now() > deadline) throw new Error(`the test cluster did not become healthy within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The node that masters `slot` now, as a running node sees it. */
  async masterOf(slot: number): Promise<PrivateRedis> {
    return this.servingSlot(slot, 0);
  }

  /** The (first) replica of `slot`'s master; waits (bounded) until one is listed (a restarted node rejoins late). */
  async replicaOf(slot: number, timeoutMs = 20_000): Promise<PrivateRedis> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.servingSlot(slot, 1);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async servingSlot(slot: number, index: number): Promise<PrivateRedis> {
    for (const node of this.nodes.filter((n) => n.running)) {
      const client = new Redis({ host: '127.0.0.1', port: node.port, lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => {});
      try {
        await client.connect();
        const slots = (await client.cluster('SLOTS')) as unknown as [number, number, ...[string, number][]][];
        for (const [from, to, ...nodes] of slots) {
          if (slot >= from && slot <= to) {
            const port = nodes[index]?.[1];
            const node = this.nodes.find((n) => n.port === port);
            if (node) return node;
          }
        }
      } catch {
        // try the next node
      } finally {
        client.disconnect();
      }
    }
    throw new Error(`no running node knows node ${index} of slot ${slot}`);
  }

  /** Kills every node (SIGKILL; no persistence: they come back empty, with their cluster config). */
  async killAll(): Promise<void> {
    for (const node of this.nodes) await node.kill();
  }

  /** Restarts every stopped node and waits until the cluster serves every slot again (bounded). */
  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.start()));
    await this.waitHealthy();
  }

  /** Kills every node (only the processes this cluster started) and removes the directory. */
  async destroy(): Promise<void> {
    for (const node of this.nodes) await node.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
