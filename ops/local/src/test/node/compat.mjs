// Drives Confluent's official Node client against a registry for the Java compatibility test.
// Usage: node compat.mjs <request.json>; prints one JSON object on stdout.
// request: { registry, subject, topic, schema, decode: [base64...], encode: [record...] }
import { readFileSync } from 'node:fs';
import { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';

const request = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const client = new SchemaRegistryClient({ baseURLs: [request.registry] });
const info = { schemaType: 'AVRO', schema: request.schema };

const registeredId = await client.register(request.subject, info);
const fetched = await client.getBySubjectAndId(request.subject, registeredId);
const latest = await client.getLatestSchemaMetadata(request.subject);
const lookedUpId = await client.getId(request.subject, info);
const subjects = await client.getAllSubjects();

const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
const decoded = [];
for (const b64 of request.decode) {
  decoded.push(await deserializer.deserialize(request.topic, Buffer.from(b64, 'base64')));
}

// Write with the schema registered above, as a producer that does not own the schema would.
const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
const encoded = [];
for (const record of request.encode) {
  encoded.push((await serializer.serialize(request.topic, record)).toString('base64'));
}

const plain = (key, value) => {
  if (typeof value === 'bigint') return Number(value);
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data).toString('base64');
  return value;
};
process.stdout.write(JSON.stringify({
  registeredId,
  lookedUpId,
  fetchedSchema: fetched.schema,
  latestVersion: latest.version,
  latestId: latest.id,
  subjects,
  decoded,
  encoded,
}, plain));
