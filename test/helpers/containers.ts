// A real container engine for the tests: DOCKER_HOST when set, else a Podman service of the
// tests' own (started here when podman is installed), with an image built from busybox-static.
import {spawn, type ChildProcess} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import Docker from 'dockerode';
import {resolveEngine, type EngineTarget} from '../../source/app/engine-settings.js';

/** The test image: busybox and its applets, nothing else (no registry is reachable here). */
export const TEST_IMAGE = 'localhost/dbtop-test:latest';
const APPLETS = ['sh', 'sleep', 'echo', 'cat', 'ps', 'top', 'printf', 'true', 'false', 'yes'];

export type TestEngine = {
	target: EngineTarget;
	docker: Docker;
	stop(): Promise<void>;
	/** Stops the engine's service and starts it again after `downMs` (only for the tests' own Podman). */
	bounce?(whileDown: () => Promise<void>): Promise<void>;
	/** The pid of the engine's service when the tests started it (for the benchmarks to measure). */
	servicePid?(): number | undefined;
};

function which(command: string): string | null {
	for (const dir of (process.env['PATH'] ?? '').split(':')) {
		if (existsSync(path.join(dir, command))) return path.join(dir, command);
	}

	return null;
}

async function answers(docker: Docker): Promise<boolean> {
	try {
		await docker.ping();
		return true;
	} catch {
		return false;
	}
}

/**
 * A reachable engine, or the reason there is none (the tests then skip with it). With
 * `isEmpty`, always a Podman service of its own with a store of its own (vfs, no mounts to
 * undo), which holds no containers whatever the other engines hold.
 */
export async function startEngine(options: {isEmpty?: boolean} = {}): Promise<TestEngine | {skip: string}> {
	if (process.env['DOCKER_HOST'] && !options.isEmpty) {
		const target = resolveEngine(undefined, process.env);
		const docker = new Docker(target.options);
		return (await answers(docker)) ? {target, docker, stop: async () => {}} : {skip: `no container engine answers at DOCKER_HOST=${process.env['DOCKER_HOST']}`};
	}

	const podman = which('podman');
	if (!podman || !which('runc')) {
		return {skip: 'no container engine: set DOCKER_HOST, or install podman, runc and busybox-static (apt-get install podman runc busybox-static)'};
	}

	// What works on these machines: cgroupfs, runc (crun fails) and modest ulimits.
	const dir = mkdtempSync(path.join(os.tmpdir(), 'dbtop-podman-'));
	writeFileSync(path.join(dir, 'containers.conf'), '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n');
	const socket = path.join(dir, 'podman.sock');
	const target = resolveEngine(`unix://${socket}`, {});
	const docker = new Docker(target.options);
	let service: ChildProcess;
	const startService = async () => {
		const store = options.isEmpty ? ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'runroot'), '--tmpdir', path.join(dir, 'tmp'), '--storage-driver', 'vfs'] : [];
		service = spawn(podman, [...store, 'system', 'service', '--time=0', `unix://${socket}`], {
			env: {...process.env, CONTAINERS_CONF: path.join(dir, 'containers.conf')},
			stdio: 'ignore',
		});
		for (let i = 0; i < 100 && !(await answers(docker)); i++) await sleep(100);
	};

	const stopService = async () => {
		const exited = new Promise(resolve => service.once('exit', resolve));
		service.kill('SIGTERM');
		await Promise.race([exited, sleep(5000)]);
	};

	await startService();
	const stop = async () => {
		await stopService();
		rmSync(dir, {recursive: true, force: true});
	};

	if (!(await answers(docker))) {
		await stop();
		return {skip: 'podman is installed but its service did not answer'};
	}

	return {
		target,
		docker,
		stop,
		servicePid: () => service.pid,
		async bounce(whileDown) {
			await stopService();
			try {
				await whileDown();
			} finally {
				await startService();
			}
		},
	};
}

/** Imports the busybox image once (a root file system tar through the API). */
export async function ensureImage(docker: Docker): Promise<void> {
	if ((await docker.listImages()).some(image => (image.RepoTags ?? []).includes(TEST_IMAGE))) return;
	const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(file => existsSync(file));
	if (!busybox) throw new Error('busybox-static is not installed');
	const root = mkdtempSync(path.join(os.tmpdir(), 'dbtop-rootfs-'));
	try {
		mkdirSync(path.join(root, 'bin'));
		copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
		for (const applet of APPLETS) symlinkSync('busybox', path.join(root, 'bin', applet));
		const tar = spawn('tar', ['-C', root, '-cf', '-', '.']);
		const stream = await docker.importImage(tar.stdout, {repo: 'localhost/dbtop-test', tag: 'latest'});
		await new Promise((resolve, reject) => docker.modem.followProgress(stream, error => (error ? reject(error) : resolve(undefined))));
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
}

/** Creates and starts a container of the test image. */
export async function runContainer(docker: Docker, name: string, cmd: string[], extra: Partial<Docker.ContainerCreateOptions> = {}): Promise<Docker.Container> {
	const container = await docker.createContainer({Image: TEST_IMAGE, name, Cmd: cmd, Env: ['PATH=/bin'], ...extra});
	await container.start();
	return container;
}

/** Removes the containers whose names start with a prefix. */
export async function removeContainers(docker: Docker, prefix: string): Promise<void> {
	for (const info of await docker.listContainers({all: true})) {
		if (info.Names.some(name => name.replace(/^\//, '').startsWith(prefix))) {
			await docker.getContainer(info.Id).remove({force: true}).catch(() => {});
		}
	}
}
