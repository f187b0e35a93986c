// Validates Kubernetes manifests against the API's OpenAPI schemas as compiled into the npm package
// kubernetes-models (its JSON-schema validators, one per built-in kind). Used by the .NET tests, never at run time.
// Input: a file holding a JSON object {"items": [...]} (a v1 List). Output: one line per item, "ok KIND NAME" or
// "invalid KIND NAME: errors". Exit 0 when every item is valid, 1 otherwise, 2 on bad input.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs LIST.json");
  process.exit(2);
}

const list = JSON.parse(readFileSync(file, "utf8"));
if (!Array.isArray(list.items) || list.items.length === 0) {
  console.error("no items to validate");
  process.exit(2);
}

// apps/v1 -> kubernetes-models/apps/v1/Deployment; the core group's v1 -> kubernetes-models/v1/Service (the package exports both).
function modulePath(apiVersion, kind) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

let failures = 0;
for (const item of list.items) {
  const label = `${item.kind} ${item.metadata?.name ?? "(no name)"}`;
  let Model;
  try {
    Model = (await import(modulePath(item.apiVersion, item.kind)))[item.kind];
  } catch (e) {
    console.log(`invalid ${label}: no schema for ${item.apiVersion} ${item.kind} (${e.code ?? e.message})`);
    failures++;
    continue;
  }

  if (typeof Model !== "function") {
    console.log(`invalid ${label}: no model class for ${item.apiVersion} ${item.kind}`);
    failures++;
    continue;
  }

  try {
    new Model(item).validate();
    console.log(`ok ${label}`);
  } catch (e) {
    console.log(`invalid ${label}: ${e.message}`);
    failures++;
  }
}

process.exit(failures === 0 ? 0 : 1);
