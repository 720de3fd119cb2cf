/**
 * Fetches the embedded Kafka's jars from Maven Central with the machine's Maven, once.
 * They land in local/kafka/target/libs beside pom.xml; a marker file records that the
 * copy finished for this pom, so later starts skip Maven entirely.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const kafkaDir = path.dirname(fileURLToPath(import.meta.url));
export const POM_FILE = path.join(kafkaDir, 'pom.xml');
export const LIBS_DIR = path.join(kafkaDir, 'target', 'libs');
export const LOG4J_CONFIG = path.join(kafkaDir, 'log4j2.properties');

const NO_JAVA_HINT = 'Set KAFKA_BROKERS to use an existing Kafka, or run the Docker stack (docker compose up -d).';

/** Throws a clear error when `tool` is not on PATH. */
async function requireTool(tool: 'java' | 'mvn'): Promise<void> {
  try {
    await run(tool, ['-version'], { timeout: 30_000 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const what = tool === 'java' ? 'Java 17+ (java)' : 'Maven (mvn)';
      throw new Error(`The embedded Kafka needs ${what}, which is not installed. ${NO_JAVA_HINT}`);
    }
    throw error;
  }
}

/** Makes sure the jars are present; returns the classpath glob for `java -cp`. */
export async function ensureKafkaJars(log: (message: string) => void): Promise<string> {
  await requireTool('java');
  const pomHash = createHash('sha256').update(fs.readFileSync(POM_FILE)).digest('hex').slice(0, 12);
  const marker = path.join(LIBS_DIR, `.complete-${pomHash}`);
  if (!fs.existsSync(marker)) {
    await requireTool('mvn');
    log('kafka: fetching Apache Kafka jars from Maven Central (once, ~45 MB)...');
    const started = Date.now();
    fs.rmSync(LIBS_DIR, { recursive: true, force: true });
    try {
      await run(
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          POM_FILE,
          'dependency:copy-dependencies',
          `-DoutputDirectory=${LIBS_DIR}`,
          '-DincludeScope=runtime',
        ],
        { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      throw new Error(
        `kafka: fetching jars with Maven failed: ${output.trim().split('\n').slice(-10).join('\n')}\n${NO_JAVA_HINT}`,
      );
    }
    fs.writeFileSync(marker, new Date().toISOString());
    log(`kafka: jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return path.join(LIBS_DIR, '*');
}
