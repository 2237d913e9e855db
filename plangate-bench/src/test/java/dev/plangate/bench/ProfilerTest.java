package dev.plangate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.plangate.bench.JfrSummary.Span;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfilerTest {

	@Test
	void aProfiledSeparateServerRecordsItselfFromItsStartWithDeepStacksAndEveryMillisecondsSample(
			@TempDir Path profiles) {
		var options = Options.parse(new String[] { "--split", "yes", "--profile", "cpu," + profiles, "--server-java",
				"/usr/lib/jvm/temurin-25-jdk-amd64/bin/java" });

		var command = ServerProcess.command(Stack.POSTGRES, options, "bench.jar");

		assertThat(command).containsSequence("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
				"-XX:FlightRecorderOptions:stackdepth=256",
				"-XX:StartFlightRecording:name=plangate-bench,settings=profile,method-profiling=max,dumponexit=true,filename="
						+ profiles.resolve("separate-server-postgres.jfr"),
				"-cp", "bench.jar");
	}

	@Test
	void anUnprofiledSeparateServerGetsNoRecorderOptions() {
		var options = Options.parse(new String[] { "--split", "yes" });

		assertThat(ServerProcess.command(Stack.POSTGRES, options, "bench.jar"))
			.noneMatch(argument -> argument.startsWith("-XX:FlightRecorder") || argument.contains("FlightRecording"));
		assertThat(Profiler.serverRecording(options, Stack.POSTGRES)).isEmpty();
	}

	@Test
	void aNewServerRecordingDoesNotLeaveAnEarlierRunsFileToBeReadInstead(@TempDir Path profiles) throws IOException {
		var recording = profiles.resolve("deeper").resolve("separate-server-embedded.jfr");
		Files.createDirectories(recording.getParent());
		Files.writeString(recording, "an earlier run's");

		Profiler.prepareServerRecording(recording);

		assertThat(recording.getParent()).isDirectory();
		assertThat(recording).doesNotExist();
	}

	/**
	 * A JVM started with the separate server's options computes in one window and
	 * allocates in the next, each noted here by wall-clock time as the bench notes its
	 * measured windows; its recording, written when it exits, is cut into the two.
	 */
	@Test
	void aJvmsRecordingOfItsWholeLifeIsCutIntoTheWindowsNotedOutsideIt(@TempDir Path profiles) throws Exception {
		var options = Options.parse(new String[] { "--split", "yes", "--profile", profiles.toString() });
		var recording = Profiler.serverRecording(options, Stack.EMBEDDED).orElseThrow();
		var command = new ArrayList<String>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(Profiler.serverJvmOptions(Profiler.serverRecording(options, Stack.EMBEDDED)));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), Busy.class.getName()));

		var process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		var computing = window(lines, "compute");
		var allocating = window(lines, "allocate");
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		var summaries = JfrSummary.cut(recording, List.of(computing, allocating));

		var computed = summaries.get(0);
		var allocated = summaries.get(1);
		assertThat(computed.samplesThrough(Busy.COMPUTE)).isGreaterThan(50);
		assertThat(computed.samplesThrough(Busy.ALLOCATE)).isZero();
		assertThat(allocated.samplesThrough(Busy.ALLOCATE)).isGreaterThan(50);
		assertThat(allocated.samplesThrough(Busy.COMPUTE)).isZero();
		assertThat(allocated.allocatedBytes()).isGreaterThan(100_000_000);
		assertThat(computed.allocatedBytes()).isLessThan(allocated.allocatedBytes() / 100);
	}

	@Test
	void aSpanHoldsTheEventsThatStartedFromItsStartUntilItsEnd() {
		var from = Instant.parse("2026-12-05T08:00:00Z");
		var span = new Span(from, from.plusSeconds(5));

		assertThat(span.contains(from)).isTrue();
		assertThat(span.contains(from.plusMillis(4_999))).isTrue();
		assertThat(span.contains(from.plusSeconds(5))).isFalse();
		assertThat(span.contains(from.minusNanos(1))).isFalse();
		assertThat(span.seconds()).isEqualTo(5.0);
		assertThatThrownBy(() -> new Span(from, from.minusSeconds(1))).hasMessageContaining("ends before it starts");
	}

	/**
	 * From when the recorded JVM says it starts {@code phase} until it says it has ended
	 * it, by this JVM's clock.
	 */
	private static Span window(BufferedReader lines, String phase) throws IOException {
		awaitLine(lines, "start " + phase);
		var from = Instant.now();
		awaitLine(lines, "end " + phase);
		return new Span(from, Instant.now());
	}

	private static void awaitLine(BufferedReader lines, String expected) throws IOException {
		String line;
		while ((line = lines.readLine()) != null) {
			if (line.equals(expected)) {
				return;
			}
		}
		throw new IllegalStateException("The recorded JVM ended before it printed " + expected);
	}

	/**
	 * The recorded JVM: computes for a while, then allocates for a while, each in a
	 * thread of its own, a moment after it says it starts and before it says it has
	 * ended.
	 */
	static final class Busy {

		static final String COMPUTE = Busy.class.getName() + ".compute";

		static final String ALLOCATE = Busy.class.getName() + ".allocate";

		private static final long MILLIS = 700;

		static volatile long sink;

		static volatile Object kept = new Object();

		public static void main(String[] args) throws InterruptedException {
			run("compute", Busy::compute);
			run("allocate", Busy::allocate);
		}

		private static void run(String phase, Runnable work) throws InterruptedException {
			System.out.println("start " + phase);
			Thread.sleep(100);
			var thread = new Thread(work, phase);
			thread.start();
			thread.join();
			System.out.println("end " + phase);
			Thread.sleep(100);
		}

		static void compute() {
			long end = System.nanoTime() + MILLIS * 1_000_000;
			long value = 1;
			while (System.nanoTime() < end) {
				for (int i = 0; i < 1_000; i++) {
					value = value * 6364136223846793005L + 1442695040888963407L;
				}
			}
			sink = value;
		}

		/** Small arrays, in the thread's own buffer, each kept until the next. */
		static void allocate() {
			long end = System.nanoTime() + MILLIS * 1_000_000;
			while (System.nanoTime() < end) {
				for (int i = 0; i < 100; i++) {
					kept = new byte[1024];
				}
			}
		}

	}

}
