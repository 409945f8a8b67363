#!/usr/bin/env node
// Uploads a NIfTI image to Voxelflow's ingest service from Node.js, the way another lab would:
// @grpc/grpc-js as the transport, @grpc/proto-loader reading our .proto files at run time.
//
//   node upload-image.js HOST:PORT FILE [--bad-checksum]
//
// Streams FILE to voxelflow.ingest.v1.ImageService/UploadImage (metadata first, then 256 KiB
// chunks), reads the image back with ImageService/GetImage, and prints ONE JSON object on stdout:
//   {"name", "stored_sha256", "uploaded_sha256", "already_existed", "shape", "datatype", "get_image_name"}
// On a gRPC error it prints {"error": {"code": <numeric>, "details": "...", "reason", "domain",
// "metadata"}} (reason/domain/metadata from the google.rpc.ErrorInfo detail, when the server sent
// one) and exits with code 3. --bad-checksum announces an expected_sha256 of 64 zeros, which the
// server must refuse with INVALID_ARGUMENT (3). Usage errors exit with 2.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const CHUNK_BYTES = 256 * 1024;
const DEADLINE_MS = 60 * 1000;
const PROTO_ROOT = path.resolve(__dirname, '../../proto');
const GOOGLEAPIS = path.resolve(__dirname, '../../build/googleapis-protos');

function usage(message) {
  process.stderr.write(`${message}\nusage: node upload-image.js HOST:PORT FILE [--bad-checksum]\n`);
  process.exit(2);
}

function loadImageService() {
  for (const f of ['google/api/field_behavior.proto', 'google/longrunning/operations.proto', 'google/rpc/status.proto']) {
    if (!fs.existsSync(path.join(GOOGLEAPIS, f))) {
      process.stderr.write(`missing ${path.join(GOOGLEAPIS, f)}: the googleapis protos (google/api, ` +
        'google/longrunning, google/rpc) are unpacked there by the Maven build of the api module; ' +
        'run it first (e.g. ./mvnw -pl api generate-sources)\n');
      process.exit(2);
    }
  }
  const definition = protoLoader.loadSync('voxelflow/ingest/v1/ingest.proto', {
    includeDirs: [PROTO_ROOT, GOOGLEAPIS],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).voxelflow.ingest.v1.ImageService;
}

function sha256Hex(file) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

function deadline() {
  return new Date(Date.now() + DEADLINE_MS);
}

/** Client streaming: metadata, then the file in chunks, honouring flow control. */
function uploadImage(client, file, expectedSha256) {
  return new Promise((resolve, reject) => {
    let finished = false;
    const call = client.UploadImage({ deadline: deadline() }, (err, response) => {
      finished = true;
      if (err) reject(err); else resolve(response);
    });
    const write = (message) => new Promise((ok) => {
      if (finished || call.write(message)) {
        ok();
        return;
      }
      // Wait for drain, or for the call to end early (the server may refuse the upload mid-stream).
      const done = () => { call.off('drain', done); call.off('status', done); ok(); };
      call.once('drain', done);
      call.once('status', done);
    });
    (async () => {
      await write({
        metadata: {
          filename: path.basename(file),
          total_size_bytes: String(fs.statSync(file).size),
          expected_sha256: expectedSha256,
        },
      });
      const stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
      for await (const chunk of stream) {
        if (finished) break;
        await write({ chunk });
      }
      stream.destroy();
      call.end();
    })().catch((e) => {
      call.cancel();
      reject(e);
    });
  });
}

function getImage(client, name) {
  return new Promise((resolve, reject) => {
    client.GetImage({ name }, { deadline: deadline() }, (err, image) => (err ? reject(err) : resolve(image)));
  });
}

/** The google.rpc.ErrorInfo of a gRPC error's grpc-status-details-bin trailer, if any. */
function errorInfo(err) {
  try {
    const raw = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
    if (!raw) return null;
    const root = new protobuf.Root();
    root.resolvePath = (origin, target) => {
      const candidate = path.join(GOOGLEAPIS, target);
      return fs.existsSync(candidate) ? candidate : protobuf.util.path.resolve(origin, target);
    };
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    const status = root.lookupType('google.rpc.Status').decode(raw);
    const infoType = root.lookupType('google.rpc.ErrorInfo');
    for (const any of status.details) {
      if (any.type_url.endsWith('/google.rpc.ErrorInfo')) {
        const info = infoType.toObject(infoType.decode(any.value), { defaults: true });
        return { reason: info.reason, domain: info.domain, metadata: info.metadata };
      }
    }
  } catch (e) {
    process.stderr.write(`could not decode grpc-status-details-bin: ${e.message}\n`);
  }
  return null;
}

async function main() {
  const args = process.argv.slice(2);
  const badChecksum = args.includes('--bad-checksum');
  const positional = args.filter((a) => a !== '--bad-checksum');
  if (positional.length !== 2) usage('expected HOST:PORT and FILE');
  const [target, file] = positional;
  if (!fs.existsSync(file)) usage(`no such file: ${file}`);

  const ImageService = loadImageService();
  const client = new ImageService(target, grpc.credentials.createInsecure());
  try {
    const uploadedSha = sha256Hex(file);
    const response = await uploadImage(client, file, badChecksum ? '0'.repeat(64) : uploadedSha);
    const image = response.image;
    const fetched = await getImage(client, image.name);
    const header = image.header || {};
    process.stdout.write(JSON.stringify({
      name: image.name,
      stored_sha256: image.stored_sha256,
      uploaded_sha256: image.uploaded_sha256,
      already_existed: response.already_existed,
      shape: (header.shape || []).map(Number), // int64 arrives as strings (longs: String)
      datatype: header.datatype,
      get_image_name: fetched.name,
    }) + '\n');
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    const info = errorInfo(err);
    process.stdout.write(JSON.stringify({ error: { code: err.code, details: err.details, ...info } }) + '\n');
    process.exitCode = 3;
  } finally {
    client.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
