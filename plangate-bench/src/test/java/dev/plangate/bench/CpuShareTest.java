package dev.plangate.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CpuShareTest {

	@Test
	void kernelThreadsAreKthreaddAndItsChildren() {
		assertThat(CpuShare.isKernelThread("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0")).isTrue();
		assertThat(CpuShare.isKernelThread("14 (ksoftirqd/0) S 2 0 0 0 -1 69238848 0 0 0 0 0 3")).isTrue();
		assertThat(CpuShare.isKernelThread("812 (jbd2/vda1-8) S 2 0 0 0 -1 2129984 0 0 0 0 0 40")).isTrue();
		assertThat(CpuShare.isKernelThread("4021 (java) S 1 4021 4021 0 -1 4194560 0 0 0 0 300 20")).isFalse();
		assertThat(CpuShare.isKernelThread("22 (a (2) b) S 20 22 22 0 -1 4194560 0 0 0 0 1 1")).isFalse();
	}

	@Test
	void dataStoresAreNamedByTheirCommand() {
		assertThat(CpuShare.isDataStore("301 (postgres) S 1 301 301 0 -1 4194560 0 0 0 0 5 2")).isTrue();
		assertThat(CpuShare.isDataStore("302 (redis-server) S 1 302 302 0 -1 4194560 0 0 0 0 5 2")).isTrue();
		assertThat(CpuShare.isDataStore("303 (node) S 1 303 303 0 -1 4194560 0 0 0 0 5 2")).isFalse();
	}

	@Test
	void compilerThreadsAreHotSpotsC1AndC2() {
		assertThat(CpuShare.isCompiler("4022 (C2 CompilerThre) S 1 4021 4021 0 -1 4194624 0 0 0 0 900 12")).isTrue();
		assertThat(CpuShare.isCompiler("4023 (C1 CompilerThre) S 1 4021 4021 0 -1 4194624 0 0 0 0 80 3")).isTrue();
		assertThat(CpuShare.isCompiler("4024 (GC Thread#0) S 1 4021 4021 0 -1 4194624 0 0 0 0 40 1")).isFalse();
		assertThat(CpuShare.isCompiler("4025 (bench-worker) S 1 4021 4021 0 -1 4194624 0 0 0 0 40 1")).isFalse();
	}

	@Test
	void theCompilersTimeIsReadFromThisProcesssThreads() {
		assumeTrue(Files.isReadable(Path.of("/proc/self/task")));
		// a JVM that has loaded and run the tests so far has compiled code on its own
		// threads for more than the 10 ms that /proc counts in
		long sum = 0;
		for (int i = 0; i < 5_000_000; i++) {
			sum += Long.toString(i).hashCode();
		}
		assertThat(sum).isNotZero();
		assertThat(CpuShare.compilerNanos()).isPositive();
	}

	@Test
	void theShareTellsTheKernelsPartOfTheOtherProcesses() throws Exception {
		assumeTrue(Files.isReadable(Path.of("/proc/stat")));
		var share = new CpuShare();
		long until = System.nanoTime() + 200_000_000;
		long spun = 0;
		while (System.nanoTime() < until) {
			spun++;
		}
		assertThat(spun).isPositive();
		assertThat(share.since()).matches(
				"CPU: this process \\d+ % \\(of which the JIT compiler \\d+ %\\), PostgreSQL and Redis \\d+ %, other processes \\d+ % "
						+ "\\(of which the kernel's interrupts \\d+ % and threads \\d+ %\\) \\(of \\d+ cores: \\d+ %\\);.*");
	}

}
