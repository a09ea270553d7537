export { startKubernetesApi, type KubernetesApi, type KubernetesApiOptions } from "./server.ts";
export { KubeStore } from "./store.ts";
export { generateTls, type SandboxTls } from "./tls.ts";
export { verifyToken } from "./token-verify.ts";
