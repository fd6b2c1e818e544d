// Resolves a credential_process profile with the AWS SDK for JavaScript v3's
// fromProcess, as a Node program would, then lists the S3 buckets at an
// endpoint (path-style, as MinIO wants), one name a line.
//
//   node listbuckets.mjs PROFILE ENDPOINT_URL
//
// scripts/e2e.sh copies it next to the node_modules it installed from
// package.json (pinned versions) and runs it there.
import { fromProcess } from "@aws-sdk/credential-providers";
import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";

const [profile, endpoint] = process.argv.slice(2);
if (!profile || !endpoint) {
  console.error("usage: node listbuckets.mjs PROFILE ENDPOINT_URL");
  process.exit(2);
}
try {
  const provider = fromProcess({ profile });
  const creds = await provider();
  const exp = creds.expiration ? creds.expiration.toISOString() : "(none)";
  console.log(`aws-sdk-js-v3 fromProcess resolved ${creds.accessKeyId} (expires ${exp})`);
  const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: provider });
  const out = await s3.send(new ListBucketsCommand({}));
  for (const b of out.Buckets ?? []) console.log(b.Name);
} catch (err) {
  console.error(`listbuckets: ${err.name}: ${err.message}`);
  process.exit(1);
}
