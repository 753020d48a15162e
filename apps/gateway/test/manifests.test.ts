/**
 * Checks of the deployment artefacts under infra/: the Dockerfile, the Kubernetes manifests (kustomize
 * base and overlays), the compose stack and the switchboard.yaml files they ship.
 *
 * There is no kustomize binary here, so the overlays are rendered by `render()` below: resources,
 * configMapGenerator (files), namespace, images and strategic-merge patches by path (merging lists by
 * their Kubernetes merge keys, `$patch: delete` for whole objects, null to remove a field). It refuses
 * any other kustomization field, so the manifests cannot drift into features this renderer would get
 * wrong. One known difference: kustomize appends a content hash to generated ConfigMap names and
 * rewrites references to them; the rendering here keeps the plain name on both sides.
 *
 * Every rendered object is built with its `kubernetes-models` class (by apiVersion and kind) and
 * validated against the Kubernetes OpenAPI schema: types, required fields and enums. Those schemas
 * accept unknown fields, so the invariants below name the fields that matter explicitly; the API
 * server's strict field validation (`kubectl apply --dry-run=server`) catches misspelt ones.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  type IContainer,
  type IPodSpec,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT, runCli } from './cli.js';

const INFRA = join(REPO_ROOT, 'infra');
const K8S = join(INFRA, 'k8s');
const CLI_TIMEOUT = 90_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface KubeObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKubeObject(value: Json): value is KubeObject {
  return (
    isObject(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isObject(value.metadata) &&
    typeof value.metadata.name === 'string'
  );
}

/** Every YAML document of a file, failing on any parse error. */
function readYamlDocuments(path: string): Json[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!Array.isArray(documents)) return [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new Error(`${relative(REPO_ROOT, path)}: ${document.errors.map((e) => e.message).join('; ')}`);
    }
  }
  return documents.map((document) => document.toJS() as Json).filter((value) => value !== null);
}

function readYaml(path: string): JsonObject {
  const [document, ...rest] = readYamlDocuments(path);
  if (!isObject(document) || rest.length > 0) throw new Error(`${path}: expected one YAML mapping`);
  return document;
}

function readKubeObjects(path: string): KubeObject[] {
  return readYamlDocuments(path).map((document) => {
    if (!isKubeObject(document)) throw new Error(`${path}: not a Kubernetes object`);
    return document;
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// ---------------------------------------------------------------------------------------------------
// A small kustomize: the subset the manifests use, and nothing else.

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'configMapGenerator',
  'namespace',
  'images',
  'patches',
]);

/** Strategic-merge keys of the lists the patches may touch (from the Kubernetes API). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  topologySpreadConstraints: 'topologyKey',
};

function strategicMerge(base: Json | undefined, patch: Json, field = ''): Json {
  if (isObject(patch) && isObject(base)) {
    const merged: JsonObject = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new Error(`unsupported patch directive ${key}`);
      if (value === null) delete merged[key];
      else merged[key] = strategicMerge(base[key], value, key);
    }
    return merged;
  }
  const mergeKey = MERGE_KEYS[field];
  if (mergeKey !== undefined && Array.isArray(patch) && Array.isArray(base)) {
    const merged = [...base];
    for (const item of patch) {
      if (!isObject(item)) throw new Error(`${field}: list items must be objects`);
      const index = merged.findIndex(
        (existing) => isObject(existing) && existing[mergeKey] === item[mergeKey],
      );
      if (index === -1) merged.push(item);
      else merged[index] = strategicMerge(merged[index], item, '');
    }
    return merged;
  }
  return patch;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.metadata.name === b.metadata.name;
}

function podSpecOf(object: KubeObject): JsonObject | undefined {
  const spec = object.spec;
  if (!isObject(spec)) return undefined;
  const template = object.kind === 'CronJob' && isObject(spec.jobTemplate) ? spec.jobTemplate.spec : spec;
  if (!isObject(template) || !isObject(template.template)) return undefined;
  const podSpec = template.template.spec;
  return isObject(podSpec) ? podSpec : undefined;
}

/** Renders a kustomization directory the way `kubectl kustomize` would (see the file header). */
function render(dir: string): KubeObject[] {
  const kustomization = readYaml(join(dir, 'kustomization.yaml'));
  const unknown = Object.keys(kustomization).filter((key) => !KUSTOMIZATION_FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`${dir}: kustomization fields this test cannot render: ${unknown}`);

  let objects: KubeObject[] = [];
  for (const resource of (kustomization.resources ?? []) as string[]) {
    const path = join(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? render(path) : readKubeObjects(path)));
  }

  for (const generator of (kustomization.configMapGenerator ?? []) as JsonObject[]) {
    const extra = Object.keys(generator).filter((key) => key !== 'name' && key !== 'files');
    if (extra.length > 0) throw new Error(`configMapGenerator fields this test cannot render: ${extra}`);
    const data: JsonObject = {};
    for (const file of generator.files as string[])
      data[basename(file)] = readFileSync(join(dir, file), 'utf8');
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: String(generator.name) }, data });
  }

  for (const entry of (kustomization.patches ?? []) as JsonObject[]) {
    const extra = Object.keys(entry).filter((key) => key !== 'path');
    if (extra.length > 0) throw new Error(`patch fields this test cannot render: ${extra}`);
    for (const patch of readKubeObjects(join(dir, String(entry.path)))) {
      const index = objects.findIndex((object) => sameObject(object, patch));
      if (index === -1) throw new Error(`${entry.path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      const { $patch: directive, ...rest } = patch;
      if (directive === 'delete') {
        objects = objects.filter((_, i) => i !== index);
        continue;
      }
      if (directive !== undefined) throw new Error(`${entry.path}: unsupported $patch: ${directive}`);
      objects[index] = strategicMerge(objects[index], rest) as KubeObject;
    }
  }

  if (typeof kustomization.namespace === 'string') {
    const namespace = kustomization.namespace;
    objects = objects.map((object) => ({ ...object, metadata: { ...object.metadata, namespace } }));
  }

  for (const image of (kustomization.images ?? []) as JsonObject[]) {
    for (const object of objects) {
      const podSpec = podSpecOf(object);
      for (const container of [podSpec?.containers, podSpec?.initContainers].flat()) {
        if (!isObject(container) || typeof container.image !== 'string') continue;
        const [, name = '', tag] = /^(.+?)(?::([^:/@]+))?(?:@.+)?$/.exec(container.image) ?? [];
        if (name !== image.name) continue;
        const newName = typeof image.newName === 'string' ? image.newName : name;
        const newTag = typeof image.newTag === 'string' ? image.newTag : tag;
        container.image =
          typeof image.digest === 'string' ? `${newName}@${image.digest}` : `${newName}:${newTag}`;
      }
    }
  }
  return objects;
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes schemas and invariants.

interface Validatable {
  validate(): void;
}
type ModelClass = { apiVersion: string; kind: string } & (new (data: never) => Validatable);

const MODELS = new Map<string, ModelClass>(
  [
    Deployment,
    Service,
    ServiceAccount,
    ConfigMap,
    Secret,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    NetworkPolicy,
    Job,
  ].map((model: ModelClass) => [`${model.apiVersion}/${model.kind}`, model]),
);

function validateObject(object: KubeObject): void {
  const Model = MODELS.get(`${object.apiVersion}/${object.kind}`);
  if (!Model) throw new Error(`no kubernetes-models class for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object as never).validate();
  } catch (error) {
    throw new Error(
      `${object.kind} ${object.metadata.name}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

function only<T>(items: readonly T[], what: string): T {
  expect(items, what).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error(`no ${what}`);
  return item;
}

function ofKind<T>(objects: KubeObject[], kind: string, build: (object: KubeObject) => T): T[] {
  return objects.filter((object) => object.kind === kind).map(build);
}

const deploymentOf = (objects: KubeObject[]) =>
  only(
    ofKind(objects, 'Deployment', (o) => new Deployment(o as never)),
    'Deployment',
  );

function podSpec(deployment: Deployment): IPodSpec {
  const spec = deployment.spec?.template.spec;
  if (!spec) throw new Error('Deployment without a pod spec');
  return spec;
}

/** CPU in millicores, memory in bytes. */
function quantity(value: string | number | undefined): number {
  if (value === undefined) return Number.NaN;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G)?$/.exec(String(value));
  if (!match) return Number.NaN;
  const units: Record<string, number> = {
    m: 1,
    '': 1000,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
  };
  return Number(match[1]) * (units[match[2] ?? ''] ?? Number.NaN);
}

function imageIsPinned(image: string | undefined): boolean {
  if (image === undefined) return false;
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest';
}

/** The `${VAR}` references of a switchboard.yaml, split by whether they carry a default. */
function envReferences(text: string): { required: string[]; optional: string[] } {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const line of text.split('\n')) {
    const content = line.replace(/(^|\s)#.*$/, '');
    for (const match of content.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) {
      const name = match[1] ?? '';
      (match[2] === undefined ? required : optional).add(name);
    }
  }
  return { required: [...required].sort(), optional: [...optional].sort() };
}

/** A well-formed stand-in for each secret the configurations reference. */
function placeholder(name: string): string {
  if (name === 'REDIS_URL') return 'redis://placeholder.invalid:6379';
  if (name.endsWith('DATABASE_URL')) return 'postgres://placeholder:placeholder@placeholder.invalid:5432/db';
  return `placeholder-${name.toLowerCase()}`;
}

function configCheck(text: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-manifests-'));
  const file = join(dir, 'switchboard.yaml');
  writeFileSync(file, text);
  return runCli(['config', 'check', file], env);
}

function configMapText(objects: KubeObject[]): string {
  const configMap = only(
    ofKind(objects, 'ConfigMap', (o) => new ConfigMap(o as never)),
    'ConfigMap',
  );
  const text = configMap.data?.['switchboard.yaml'];
  if (text === undefined) throw new Error('the ConfigMap has no switchboard.yaml');
  return text;
}

function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) {
  expect(selector && Object.keys(selector).length > 0, 'a non-empty selector').toBe(true);
  for (const [key, value] of Object.entries(selector ?? {})) expect(labels?.[key], key).toBe(value);
}

function checkPodSecurity(spec: IPodSpec, containers: IContainer[]): void {
  expect(spec.automountServiceAccountToken).toBe(false);
  expect(spec.securityContext?.runAsNonRoot).toBe(true);
  expect(spec.securityContext?.runAsUser ?? 0).toBeGreaterThan(0);
  expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
  const tmp = spec.volumes?.find((volume) => volume.emptyDir !== undefined);
  for (const container of containers) {
    const context = container.securityContext;
    expect(context?.runAsNonRoot, container.name).toBe(true);
    expect(context?.readOnlyRootFilesystem, container.name).toBe(true);
    expect(context?.allowPrivilegeEscalation, container.name).toBe(false);
    expect(context?.privileged ?? false, container.name).toBe(false);
    expect(context?.capabilities?.drop, container.name).toContain('ALL');
    expect(context?.capabilities?.add ?? [], container.name).toEqual([]);
    expect(context?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type).toBe(
      'RuntimeDefault',
    );
    // A read-only root filesystem: /tmp is the only writable place, an emptyDir.
    const mount = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(mount?.name, `${container.name}: /tmp`).toBe(tmp?.name);
    // Requests and limits for both resources, requests within limits.
    for (const resource of ['cpu', 'memory']) {
      const request = quantity(container.resources?.requests?.[resource]);
      const limit = quantity(container.resources?.limits?.[resource]);
      expect(request, `${container.name} requests.${resource}`).toBeGreaterThan(0);
      expect(limit, `${container.name} limits.${resource}`).toBeGreaterThanOrEqual(request);
    }
    expect(imageIsPinned(container.image), `${container.name}: image ${container.image}`).toBe(true);
    // Secrets reach the pod only through secretKeyRef to the one Secret, never as literals.
    for (const variable of container.env ?? []) {
      if (/TOKEN|SECRET|PASSWORD|PEPPER|_URL$/.test(variable.name)) {
        expect(variable.value, `${variable.name} must come from the Secret`).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef?.name, variable.name).toBe('switchboard-secrets');
      }
    }
    expect(container.envFrom ?? []).toEqual([]);
  }
}

const exampleSecret = new Secret(
  only(readKubeObjects(join(K8S, 'base', 'secret.example.yaml')), 'secret.example.yaml') as never,
);

const TARGETS = {
  base: join(K8S, 'base'),
  dev: join(K8S, 'overlays', 'dev'),
  production: join(K8S, 'overlays', 'production'),
} as const;

describe('infra/ YAML', () => {
  const files = walk(INFRA).filter((path) => /\.ya?ml$/.test(path));

  it('finds the manifests', () => {
    expect(files.map((path) => relative(INFRA, path))).toEqual(
      expect.arrayContaining([
        'compose/compose.yaml',
        'compose/switchboard.yaml',
        'k8s/base/kustomization.yaml',
        'k8s/base/deployment.yaml',
        'k8s/base/switchboard.yaml',
        'k8s/overlays/dev/kustomization.yaml',
        'k8s/overlays/production/kustomization.yaml',
      ]),
    );
  });

  it.each(files.map((path) => [relative(INFRA, path), path]))('%s parses', (_name, path) => {
    expect(readYamlDocuments(path).length).toBeGreaterThan(0);
  });
});

describe.each(Object.entries(TARGETS))('Kubernetes: %s', (target, dir) => {
  const objects = render(dir);
  const deployment = deploymentOf(objects);
  const spec = podSpec(deployment);
  const containers = spec.containers;
  const config = parse(configMapText(objects)) as JsonObject;
  const server = isObject(config.server) ? config.server : {};

  it('renders the expected objects, without the Secret', () => {
    const kinds = objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
    const expected = [
      'ConfigMap/switchboard-config',
      'Deployment/switchboard',
      'NetworkPolicy/switchboard',
      'PodDisruptionBudget/switchboard',
      'Service/switchboard',
      'ServiceAccount/switchboard',
    ];
    if (target !== 'dev') expected.push('HorizontalPodAutoscaler/switchboard');
    expect(kinds).toEqual(expected.sort());
    if (target !== 'base') {
      for (const object of objects) expect(object.metadata.namespace, object.kind).toBe('switchboard');
    }
  });

  it.each(objects.map((object) => [`${object.kind}/${object.metadata.name}`, object]))(
    '%s validates against the Kubernetes schema',
    (_name, object) => {
      expect(() => validateObject(object)).not.toThrow();
    },
  );

  it('probes every container: startup and liveness on /healthz, readiness on /readyz', () => {
    for (const container of containers) {
      const ports = new Set((container.ports ?? []).flatMap((port) => [port.name, port.containerPort]));
      const probes = {
        startupProbe: '/healthz',
        livenessProbe: '/healthz',
        readinessProbe: '/readyz',
      } as const;
      for (const [probe, path] of Object.entries(probes)) {
        const httpGet = container[probe as keyof typeof probes]?.httpGet;
        expect(httpGet?.path, `${container.name} ${probe}`).toBe(path);
        expect(ports.has(httpGet?.port), `${container.name} ${probe} port`).toBe(true);
      }
      // /readyz answers within server.readinessTimeoutMs; the probe must wait longer than that.
      const readinessMs = Number(server.readinessTimeoutMs ?? 2000);
      expect((container.readinessProbe?.timeoutSeconds ?? 1) * 1000).toBeGreaterThan(readinessMs);
    }
  });

  it('runs non-root with a read-only root filesystem, no capabilities, limits and a pinned image', () => {
    checkPodSecurity(spec, containers);
  });

  it('gives shutdown its time: terminationGracePeriodSeconds > preStop + drainDelayMs + shutdownGraceMs', () => {
    const container = only(containers, 'container');
    const preStop = container.lifecycle?.preStop?.sleep?.seconds;
    expect(preStop, 'a preStop sleep (no shell in the image)').toBeGreaterThan(0);
    const shutdownMs = Number(server.shutdownGraceMs ?? 10_000) + Number(server.drainDelayMs ?? 0);
    expect(spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan((preStop ?? 0) + shutdownMs / 1000);
  });

  it('mounts the ConfigMap at SWITCHBOARD_CONFIG and binds 0.0.0.0 with an auth section', () => {
    const container = only(containers, 'container');
    const env = new Map((container.env ?? []).map((variable) => [variable.name, variable.value]));
    const path = env.get('SWITCHBOARD_CONFIG') ?? '';
    const mount = container.volumeMounts?.find((m) => m.mountPath === dirname(path));
    const volume = spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.configMap?.name).toBe('switchboard-config');
    expect(mount?.readOnly).toBe(true);
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(isObject(config.auth), 'auth: required to listen beyond loopback').toBe(true);
    expect(isObject(config.database) && config.database.url, 'database.url: no embedded PGlite').toBe(
      '${DATABASE_URL}',
    );
  });

  it('provides every ${VAR} of switchboard.yaml, each secret documented in secret.example.yaml', () => {
    const container = only(containers, 'container');
    const env = new Map((container.env ?? []).map((variable) => [variable.name, variable]));
    const { required } = envReferences(configMapText(objects));
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(env.has(name), `${name} in the container env`).toBe(true);
    const documented = Object.keys(exampleSecret.stringData ?? {});
    for (const variable of env.values()) {
      const key = variable.valueFrom?.secretKeyRef?.key;
      if (key !== undefined) expect(documented, `${key} in secret.example.yaml`).toContain(key);
    }
  });

  it('selects its pods from the Service, PodDisruptionBudget and NetworkPolicy', () => {
    const labels = deployment.spec?.template.metadata?.labels;
    labelsMatch(deployment.spec?.selector.matchLabels, labels);
    const service = only(
      ofKind(objects, 'Service', (o) => new Service(o as never)),
      'Service',
    );
    labelsMatch(service.spec?.selector, labels);
    expect(service.spec?.sessionAffinity ?? 'None').toBe('None');
    const portNames = containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
    for (const port of service.spec?.ports ?? []) expect(portNames).toContain(port.targetPort);

    const pdb = only(
      ofKind(objects, 'PodDisruptionBudget', (o) => new PodDisruptionBudget(o as never)),
      'PodDisruptionBudget',
    );
    labelsMatch(pdb.spec?.selector?.matchLabels, labels);

    const policy = only(
      ofKind(objects, 'NetworkPolicy', (o) => new NetworkPolicy(o as never)),
      'NetworkPolicy',
    );
    labelsMatch(policy.spec?.podSelector?.matchLabels, labels);
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    const ingressPorts = (policy.spec?.ingress ?? []).flatMap((rule) => rule.ports ?? []).map((p) => p.port);
    expect(new Set(ingressPorts)).toEqual(new Set([8080]));
    const egressPorts = (policy.spec?.egress ?? []).flatMap((rule) => rule.ports ?? []).map((p) => p.port);
    expect(egressPorts).toEqual(expect.arrayContaining([53, 5432, 6379, 443]));

    const account = only(
      ofKind(objects, 'ServiceAccount', (o) => new ServiceAccount(o as never)),
      'ServiceAccount',
    );
    expect(account.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe(account.metadata?.name);
  });

  it('spreads pods across zones and nodes', () => {
    const keys = (spec.topologySpreadConstraints ?? []).map((constraint) => constraint.topologyKey);
    expect(keys).toEqual(expect.arrayContaining(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']));
  });

  it('sizes replicas for the environment', () => {
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler', (o) => new HorizontalPodAutoscaler(o as never));
    if (target === 'dev') {
      expect(hpas).toEqual([]);
      expect(deployment.spec?.replicas).toBe(1);
      return;
    }
    const hpa = only(hpas, 'HorizontalPodAutoscaler');
    // The HPA owns the count: a `replicas` field would be reset by every kubectl apply.
    expect(deployment.spec?.replicas).toBeUndefined();
    expect(hpa.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata?.name });
    expect(hpa.spec?.minReplicas ?? 1).toBeGreaterThanOrEqual(target === 'production' ? 6 : 3);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 1);
    expect(hpa.spec?.metrics?.map((metric) => metric.resource?.name)).toContain('cpu');
    const pdb = only(
      ofKind(objects, 'PodDisruptionBudget', (o) => new PodDisruptionBudget(o as never)),
      'PodDisruptionBudget',
    );
    // Never a budget that blocks every drain: minAvailable below the HPA's minimum, or maxUnavailable.
    if (pdb.spec?.minAvailable !== undefined) {
      expect(Number(pdb.spec.minAvailable)).toBeLessThan(hpa.spec?.minReplicas ?? 1);
    } else {
      expect(pdb.spec?.maxUnavailable).toBe(1);
    }
  });

  it(
    "the ConfigMap's switchboard.yaml passes `switchboard config check`",
    () => {
      const text = configMapText(objects);
      const { required } = envReferences(text);
      const env = Object.fromEntries(required.map((name) => [name, placeholder(name)]));
      const result = configCheck(text, env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/is valid: 5 connector instance\(s\), \d+ tools\./);
    },
    CLI_TIMEOUT,
  );
});

describe('Kubernetes: the rest', () => {
  it(
    'config check fails when a referenced secret is missing (so the check above means something)',
    () => {
      const text = readFileSync(join(K8S, 'base', 'switchboard.yaml'), 'utf8');
      const { required } = envReferences(text);
      const env = Object.fromEntries(required.map((name) => [name, placeholder(name)]));
      const result = configCheck(text, { ...env, SLACK_BOT_TOKEN: '' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('environment variable SLACK_BOT_TOKEN is not set');
    },
    CLI_TIMEOUT,
  );

  it('keeps secret.example.yaml out of the kustomization and free of real values', () => {
    const kustomization = readYaml(join(K8S, 'base', 'kustomization.yaml'));
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    expect(exampleSecret.data ?? {}).toEqual({});
    const values = Object.values(exampleSecret.stringData ?? {});
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value).toContain('CHANGE_ME');
    expect(() => exampleSecret.validate()).not.toThrow();
  });

  it('the migration Job validates, runs `migrate` hardened, with the same image as the Deployment', () => {
    const [object] = readKubeObjects(join(K8S, 'jobs', 'migrate.yaml'));
    if (!object) throw new Error('no Job');
    expect(() => validateObject(object)).not.toThrow();
    const job = new Job(object as never);
    const spec = job.spec?.template.spec;
    if (!spec) throw new Error('Job without a pod spec');
    checkPodSecurity(spec, spec.containers);
    const container = only(spec.containers, 'container');
    expect(container.args).toEqual(['migrate']);
    const production = deploymentOf(render(TARGETS.production));
    expect(container.image).toBe(podSpec(production).containers[0]?.image);
  });

  it("overlays pin the image by tag, never 'latest'", () => {
    for (const dir of [TARGETS.dev, TARGETS.production]) {
      const images = (readYaml(join(dir, 'kustomization.yaml')).images ?? []) as JsonObject[];
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) {
        expect(typeof image.digest === 'string' || /^\d+\.\d+\.\d+/.test(String(image.newTag))).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Compose.

/** `${VAR:-default}` and `${VAR}` as docker compose resolves them, with an empty shell environment. */
function composeDefaults(value: string, shell: Record<string, string> = {}): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback: string | undefined) => shell[name] || fallback || '',
  );
}

describe('compose', () => {
  const compose = readYaml(join(INFRA, 'compose', 'compose.yaml'));
  const services = isObject(compose.services) ? compose.services : {};
  const gateway = isObject(services.gateway) ? services.gateway : {};
  const configText = readFileSync(join(INFRA, 'compose', 'switchboard.yaml'), 'utf8');

  const gatewayEnv = (shell: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(isObject(gateway.environment) ? gateway.environment : {}).map(([key, value]) => [
        key,
        composeDefaults(String(value), shell),
      ]),
    );

  it('runs the gateway with PostgreSQL 16 and Redis 7, each with a healthcheck', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'postgres', 'redis']);
    const image = (name: string) => {
      const service = services[name];
      return isObject(service) ? String(service.image) : '';
    };
    expect(image('postgres')).toMatch(/^postgres:16\.\d+/);
    expect(image('redis')).toMatch(/^redis:7\.\d+/);
    for (const [name, service] of Object.entries(services)) {
      expect(isObject(service) && isObject(service.healthcheck), `${name} healthcheck`).toBe(true);
    }
    expect(gateway.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('runs the gateway as in Kubernetes: non-root, read-only, /tmp on tmpfs', () => {
    expect(gateway.read_only).toBe(true);
    expect(String(gateway.user)).toMatch(/^[1-9]\d*:\d+$/);
    expect(gateway.cap_drop).toEqual(['ALL']);
    expect(gateway.tmpfs).toEqual([expect.stringMatching(/^\/tmp(:|$)/)]);
    expect(gatewayEnv().DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(gatewayEnv().REDIS_URL).toBe('redis://redis:6379');
    const { required, optional } = envReferences(configText);
    for (const name of [...required, ...optional]) expect(gatewayEnv(), name).toHaveProperty(name);
  });

  it(
    'its switchboard.yaml passes config check with the environment compose gives it',
    () => {
      const result = configCheck(configText, gatewayEnv());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('is valid: 0 connector instance(s)');
    },
    CLI_TIMEOUT,
  );

  it(
    'and with every connector enabled',
    () => {
      const shell: Record<string, string> = {};
      for (const name of ['SALESFORCE', 'HUBSPOT', 'ODOO', 'ZENDESK', 'SLACK'])
        shell[`${name}_ENABLED`] = 'true';
      for (const name of [
        'SALESFORCE_CLIENT_ID',
        'SALESFORCE_CLIENT_SECRET',
        'HUBSPOT_ACCESS_TOKEN',
        'ODOO_DATABASE_URL',
        'ZENDESK_API_TOKEN',
        'SLACK_BOT_TOKEN',
      ])
        shell[name] = placeholder(name);
      const result = configCheck(configText, gatewayEnv(shell));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('is valid: 5 connector instance(s)');
    },
    CLI_TIMEOUT,
  );
});

// ---------------------------------------------------------------------------------------------------
// Dockerfile (static: no Docker engine here).

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

function dockerfile(path: string): { instructions: Instruction[]; args: Map<string, string> } {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const instructions: Instruction[] = [];
  const args = new Map<string, string>();
  let stage = -1;
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') stage += 1;
    if (upper === 'ARG' && stage === -1) {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
    }
    instructions.push({ keyword: upper, args: rest, stage });
  }
  return { instructions, args };
}

describe('Dockerfile', () => {
  const path = join(INFRA, 'Dockerfile');
  const text = readFileSync(path, 'utf8');
  const { instructions, args } = dockerfile(path);
  const last = Math.max(...instructions.map((i) => i.stage));
  const final = instructions.filter((i) => i.stage === last);
  const get = (keyword: string) => final.filter((i) => i.keyword === keyword).map((i) => i.args);
  const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    packageManager: string;
  };

  it('builds on pinned Node.js 20 images, never latest', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0] ?? '');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = from.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_m, a: string, b: string) => args.get(a ?? b) ?? '',
      );
      expect(image, from).toMatch(/^node:20\.\d+\.\d+-[a-z-]+(@sha256:[0-9a-f]{64})?$/);
    }
    expect(text).not.toMatch(/:latest\b/);
  });

  it('installs pnpm at the packageManager version and deploys a pruned production install', () => {
    expect(rootPackage.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    const runs = instructions.filter((i) => i.keyword === 'RUN' && i.stage < last).map((i) => i.args);
    expect(runs.join('\n')).toContain("require('./package.json').packageManager");
    expect(runs.some((run) => /pnpm install .*--frozen-lockfile/.test(run))).toBe(true);
    expect(runs.some((run) => /pnpm (--\S+ )*build/.test(run))).toBe(true);
    expect(runs.some((run) => /pnpm --filter @switchboard\/gateway deploy --prod .*\/app\b/.test(run))).toBe(
      true,
    );
    // The runtime stage takes the deployed /app and nothing else from the build.
    expect(get('COPY')).toEqual(['--from=build --chown=0:0 /app /app']);
  });

  it('runs as a numeric non-root user, the one the Kubernetes pods run as', () => {
    const [user = ''] = get('USER');
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const deployment = deploymentOf(render(TARGETS.base));
    expect(Number(user.split(':')[0])).toBe(podSpec(deployment).securityContext?.runAsUser);
  });

  it('has a HEALTHCHECK on /healthz with node, the entrypoint, command and environment', () => {
    expect(get('HEALTHCHECK').join('\n')).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/healthz/);
    expect(get('ENTRYPOINT')).toEqual(['["node", "/app/bin/switchboard.js"]']);
    expect(get('CMD')).toEqual(['["serve"]']);
    expect(get('EXPOSE')).toEqual(['8080']);
    const env = get('ENV').join(' ');
    expect(env).toContain('SWITCHBOARD_CONFIG=/etc/switchboard/switchboard.yaml');
    expect(env).toContain('HOST=0.0.0.0');
    expect(env).toContain('PORT=8080');
    // The entrypoint is the gateway's published bin, and `pnpm deploy` copies it (package.json files).
    const gateway = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', 'gateway', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      files: string[];
    };
    expect(gateway.bin.switchboard).toBe('./bin/switchboard.js');
    expect(gateway.files).toEqual(expect.arrayContaining(['bin', 'dist']));
  });

  it('.dockerignore keeps host build output out and the build inputs in', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/.turbo', '.git']));
    for (const needed of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      '.npmrc',
      'apps',
      'packages',
      'tsconfig.base.json',
      'turbo.json',
    ]) {
      expect(ignored).not.toContain(needed);
    }
  });
});
