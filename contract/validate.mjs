// Validates an OpenAPI 3.1 document with tools independent of the server:
// 1. @seriousme/openapi-schema-validator: the document against the official
//    OpenAPI 3.1 schema, and every $ref resolves;
// 2. every Schema Object in it against the JSON Schema 2020-12 meta-schema
//    (the OpenAPI schema leaves Schema Objects unchecked).
// Usage: node validate.mjs <openapi.json>; exit 1 with the reasons on stderr.
import { readFileSync } from "node:fs";
import { argv, exit } from "node:process";

import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020Module from "ajv/dist/2020.js";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;

const file = argv[2];
if (!file) {
  console.error("usage: node validate.mjs <openapi.json>");
  exit(2);
}

let spec;
try {
  spec = JSON.parse(readFileSync(file, "utf8"));
} catch (e) {
  console.error(`${file}: not JSON: ${e.message}`);
  exit(1);
}
if (spec.openapi !== "3.1.0" && !String(spec.openapi).startsWith("3.1.")) {
  console.error(`${file}: openapi is ${JSON.stringify(spec.openapi)}, expected 3.1.x`);
  exit(1);
}

const problems = [];

const result = await new Validator().validate(spec);
if (!result.valid) {
  const errors = Array.isArray(result.errors) ? result.errors : [{ message: result.errors }];
  for (const e of errors) {
    const where = e.instancePath === undefined ? "" : `${e.instancePath || "/"}: `;
    const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
    problems.push(`OpenAPI 3.1 schema: ${where}${e.message}${params}`);
  }
}

// Schema Objects: components.schemas.* and every `schema` of a parameter,
// header or media type, found by walking the document.
const ajv = new Ajv2020({ strict: false, validateFormats: false });
const pointer = (path) => "/" + path.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
function checkSchema(schema, path) {
  if (!ajv.validateSchema(schema)) {
    for (const e of ajv.errors ?? []) {
      problems.push(`JSON Schema 2020-12: ${pointer(path)}${e.instancePath}: ${e.message}`);
    }
  }
}
for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
  checkSchema(schema, ["components", "schemas", name]);
}
(function walk(node, path) {
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "schema" && typeof value === "object" && value !== null) {
      checkSchema(value, [...path, key]);
    } else if (!(path.length === 1 && path[0] === "components" && key === "schemas")) {
      walk(value, [...path, key]);
    }
  }
})(spec, []);

if (problems.length > 0) {
  console.error(`${file} is not a valid OpenAPI 3.1 document:`);
  for (const p of problems) console.error(`  ${p}`);
  exit(1);
}
console.log(`${file}: valid OpenAPI ${spec.openapi}, every $ref resolves`);
