// Validates every document of the given YAML files against the Kubernetes schemas (npm kubernetes-models).
// Istio's own kinds have no schema there; they are counted and left to the mesh's config loader.
// Prints one line per problem and a summary; exits 1 when any document is invalid.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const kubernetesGroups = /^(v1|[a-z.]*k8s\.io\/v1(beta1)?|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v[12])$/;
let valid = 0, invalid = 0, custom = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const where = `${file}: ${doc.kind} ${doc.metadata?.name}`;
    if (!kubernetesGroups.test(doc.apiVersion)) { custom++; continue; }
    let model;
    try {
      model = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`);
    } catch {
      console.log(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      invalid++;
      continue;
    }
    try {
      new model[doc.kind](doc).validate();
      valid++;
    } catch (e) {
      console.log(`${where}: ${e.message}`);
      invalid++;
    }
  }
}
console.log(`${valid} valid, ${invalid} invalid, ${custom} Istio resources (schema kept by the CRDs)`);
process.exit(invalid > 0 || valid === 0 ? 1 : 0);
