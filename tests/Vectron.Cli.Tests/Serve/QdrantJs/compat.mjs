// The official Qdrant JavaScript client against `vectron serve`: every call must succeed with the
// expected results. Usage: node compat.mjs http://127.0.0.1:PORT
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';

const url = process.argv[2];
const client = new QdrantClient({ url });
const name = 'js_compat';
const steps = [];
const step = async (label, body) => {
  await body();
  steps.push(label);
  console.log(`ok ${steps.length} - ${label}`);
};

await step('version info', async () => {
  const info = await client.versionInfo();
  assert.match(info.version, /^\d+\.\d+\.\d+$/);
});

await step('create collection', async () => {
  if ((await client.collectionExists(name)).exists) {
    await client.deleteCollection(name);
  }
  assert.equal(await client.createCollection(name, {
    vectors: { size: 4, distance: 'Cosine' },
    shard_number: 2,
    optimizers_config: { default_segment_number: 2 },
  }), true);
  assert.equal((await client.collectionExists(name)).exists, true);
  const { collections } = await client.getCollections();
  assert.ok(collections.some((c) => c.name === name));
});

const points = [
  { id: 1, vector: [0.05, 0.61, 0.76, 0.74], payload: { city: 'Berlin', count: 10, tags: ['a'] } },
  { id: 2, vector: [0.19, 0.81, 0.75, 0.11], payload: { city: 'London', count: 20 } },
  { id: 3, vector: [0.36, 0.55, 0.47, 0.94], payload: { city: 'Moscow', count: 30 } },
  { id: 4, vector: [0.18, 0.01, 0.85, 0.80], payload: { city: 'New York', count: 40 } },
  { id: 5, vector: [0.24, 0.18, 0.22, 0.44], payload: { city: 'Beijing', count: 50 } },
  { id: 6, vector: [0.35, 0.08, 0.11, 0.44], payload: { city: 'Mumbai', count: 60 } },
  { id: '3f2c1a9e-8d7b-4c6a-9e5f-1b2d3c4e5f60', vector: [0.5, 0.5, 0.5, 0.5], payload: { city: 'Berlin', count: 70 } },
];

await step('upsert with payloads (wait)', async () => {
  const result = await client.upsert(name, { wait: true, points });
  assert.equal(result.status, 'completed');
});

await step('collection info', async () => {
  const info = await client.getCollection(name);
  assert.equal(info.points_count, points.length);
  assert.equal(info.config.params.vectors.size, 4);
  assert.equal(info.config.params.vectors.distance, 'Cosine');
});

// Client 1.19 searches through the universal query API (its search() is gone).
await step('search with a filter', async () => {
  const { points: hits } = await client.query(name, {
    query: [0.2, 0.1, 0.9, 0.7],
    filter: { must: [{ key: 'city', match: { value: 'Berlin' } }] },
    limit: 3,
    with_payload: true,
  });
  assert.equal(hits.length, 2);
  assert.ok(hits.every((h) => h.payload.city === 'Berlin'));
  assert.ok(hits[0].score >= hits[1].score);
});

await step('search with offset and a score threshold', async () => {
  const { points: all } = await client.query(name, { query: [0.2, 0.1, 0.9, 0.7], limit: 7 });
  assert.equal(all[0].id, 4);
  const { points: page } = await client.query(name, { query: [0.2, 0.1, 0.9, 0.7], limit: 2, offset: 1 });
  assert.deepEqual(page.map((p) => p.id), all.slice(1, 3).map((p) => p.id));
  const { points: above } = await client.query(name, { query: [0.2, 0.1, 0.9, 0.7], limit: 7, score_threshold: all[2].score });
  assert.equal(above.length, 3);
});

await step('query (nearest and by id)', async () => {
  const byVector = await client.query(name, { query: [0.2, 0.1, 0.9, 0.7], limit: 2, with_payload: true });
  assert.equal(byVector.points[0].id, 4);
  assert.equal(byVector.points[0].payload.city, 'New York');
  const byId = await client.query(name, { query: 4, limit: 2 });
  assert.equal(byId.points.length, 2);
  assert.ok(byId.points.every((p) => p.id !== 4));
});

await step('query batch', async () => {
  const batches = await client.queryBatch(name, { searches: [{ query: [0.2, 0.1, 0.9, 0.7], limit: 1 }, { query: [0.5, 0.5, 0.5, 0.5], limit: 1 }] });
  assert.equal(batches.length, 2);
  assert.equal(batches[0].points[0].id, 4);
  assert.equal(batches[1].points[0].id, '3f2c1a9e-8d7b-4c6a-9e5f-1b2d3c4e5f60');
});

await step('search through the REST endpoint the client does not wrap any more', async () => {
  const response = await fetch(`${url}/collections/${name}/points/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vector: [0.2, 0.1, 0.9, 0.7], limit: 1, filter: { must_not: [{ key: 'city', match: { any: ['New York'] } }] } }),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.status, 'ok');
  assert.notEqual(body.result[0].id, 4);
});

await step('scroll in pages', async () => {
  const seen = [];
  let offset;
  do {
    const page = await client.scroll(name, { limit: 3, offset, with_payload: true });
    seen.push(...page.points.map((p) => p.id));
    offset = page.next_page_offset ?? undefined;
  } while (offset !== undefined);
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, '3f2c1a9e-8d7b-4c6a-9e5f-1b2d3c4e5f60']);
});

await step('count (exact, filtered)', async () => {
  assert.equal((await client.count(name, { exact: true })).count, 7);
  assert.equal((await client.count(name, { filter: { must: [{ key: 'count', range: { gte: 30, lt: 60 } }] }, exact: true })).count, 3);
});

await step('get points (retrieve)', async () => {
  const records = await client.retrieve(name, { ids: [2, 5, 999], with_payload: true, with_vector: true });
  assert.equal(records.length, 2);
  const london = records.find((r) => r.id === 2);
  assert.equal(london.payload.city, 'London');
  assert.equal(london.vector.length, 4);
});

await step('set payload', async () => {
  await client.setPayload(name, { payload: { visited: true }, points: [1, 2], wait: true });
  const [one] = await client.retrieve(name, { ids: [1], with_payload: true });
  assert.equal(one.payload.visited, true);
  assert.equal(one.payload.city, 'Berlin');
  await client.overwritePayload(name, { payload: { only: 1 }, points: [3], wait: true });
  const [three] = await client.retrieve(name, { ids: [3], with_payload: true });
  assert.deepEqual(three.payload, { only: 1 });
  await client.deletePayload(name, { keys: ['visited'], points: [2], wait: true });
  const [two] = await client.retrieve(name, { ids: [2], with_payload: true });
  assert.equal(two.payload.visited, undefined);
  await client.clearPayload(name, { points: [6], wait: true });
  const [six] = await client.retrieve(name, { ids: [6], with_payload: true });
  assert.deepEqual(six.payload, {});
});

await step('payload index', async () => {
  await client.createPayloadIndex(name, { field_name: 'city', field_schema: 'keyword', wait: true });
  const info = await client.getCollection(name);
  assert.equal(info.payload_schema.city.data_type, 'keyword');
});

await step('delete by filter', async () => {
  await client.delete(name, { filter: { must: [{ key: 'city', match: { value: 'Berlin' } }] }, wait: true });
  assert.equal((await client.count(name, { exact: true })).count, 5);
  await client.delete(name, { points: [5], wait: true });
  assert.equal((await client.count(name, { exact: true })).count, 4);
});

await step('aliases', async () => {
  await client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: name, alias_name: 'js_alias' } }] });
  const { aliases } = await client.getCollectionAliases(name);
  assert.deepEqual(aliases, [{ alias_name: 'js_alias', collection_name: name }]);
  assert.equal((await client.count('js_alias', { exact: true })).count, 4);
  await client.updateCollectionAliases({ actions: [{ rename_alias: { old_alias_name: 'js_alias', new_alias_name: 'js_alias2' } }] });
  assert.equal((await client.getAliases()).aliases[0].alias_name, 'js_alias2');
  await client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: 'js_alias2' } }] });
  assert.equal((await client.getAliases()).aliases.length, 0);
});

await step('collection snapshots', async () => {
  const snapshot = await client.createSnapshot(name);
  assert.match(snapshot.name, /\.snapshot$/);
  assert.ok(snapshot.size > 0);
  const listed = await client.listSnapshots(name);
  assert.deepEqual(listed.map((s) => s.name), [snapshot.name]);
  await client.delete(name, { points: [2], wait: true });
  assert.equal((await client.count(name, { exact: true })).count, 3);
  assert.equal(await client.recoverSnapshot(name, { location: snapshot.name }), true);
  assert.equal((await client.count(name, { exact: true })).count, 4);
  assert.equal(await client.deleteSnapshot(name, snapshot.name), true);
  assert.equal((await client.listSnapshots(name)).length, 0);
});

await step('errors surface as client errors', async () => {
  await assert.rejects(client.getCollection('does_not_exist'), (e) => e.status === 404);
  await assert.rejects(client.upsert(name, { wait: true, points: [{ id: 9, vector: [1, 2] }] }), (e) => e.status === 400);
});

await step('delete collection', async () => {
  assert.equal(await client.deleteCollection(name), true);
  assert.equal((await client.collectionExists(name)).exists, false);
});

console.log(`all ${steps.length} steps passed`);
