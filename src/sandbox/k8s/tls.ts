/**
 * A throwaway CA and a server certificate for 127.0.0.1, so the sandbox's Kubernetes API speaks HTTPS
 * with its own CA the way EKS does (handed out as the cluster's certificateAuthority). Made with the
 * system's `openssl`: present on every CI image and dev machine we target, and it keeps a crypto
 * library out of the dependencies for what only the sandbox needs. EC P-256 keys keep it fast (~50 ms).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SandboxTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function generateTls(commonName = "eks-bluegreen sandbox"): Promise<SandboxTls> {
  const dir = await mkdtemp(join(tmpdir(), "ebg-k8s-tls-"));
  const p = (name: string) => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    await run("openssl", [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      p("ca.key"),
      "-out",
      p("ca.pem"),
      "-days",
      "7",
      "-subj",
      `/CN=${commonName} CA`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await run("openssl", [
      "req",
      ...ec,
      "-keyout",
      p("server.key"),
      "-out",
      p("server.csr"),
      "-subj",
      "/CN=127.0.0.1",
    ]);
    await writeFile(
      p("ext.cnf"),
      "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    );
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      p("server.csr"),
      "-CA",
      p("ca.pem"),
      "-CAkey",
      p("ca.key"),
      "-CAcreateserial",
      "-out",
      p("server.pem"),
      "-days",
      "7",
      "-extfile",
      p("ext.cnf"),
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ["ca.pem", "server.pem", "server.key"].map((f) => readFile(p(f), "utf8")),
    );
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    throw new Error(
      e.code === "ENOENT"
        ? "the sandbox's Kubernetes API needs the `openssl` command to make its TLS certificate; install OpenSSL"
        : `openssl failed to make the sandbox certificate: ${e.stderr ?? e.message}`,
      { cause: error },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
