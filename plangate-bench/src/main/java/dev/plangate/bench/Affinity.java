package dev.plangate.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cores this process's threads may run on, set with {@code taskset} (Linux): the load
 * generator on one core while a separate server has another.
 */
final class Affinity {

	/** The cores this process had when it started, to give back. */
	private static final String ALL = "0-" + (Runtime.getRuntime().availableProcessors() - 1);

	private Affinity() {
	}

	/** Every thread of this process on {@code cpus}, e.g. "1". */
	static void pinThisProcess(String cpus) {
		taskset(cpus);
	}

	/** Every thread of this process back on all the cores it started with. */
	static void unpinThisProcess() {
		taskset(ALL);
	}

	private static void taskset(String cpus) {
		var command = List.of("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()));
		try {
			var process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("Could not set this process's cores: " + String.join(" ", command));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + String.join(" ", command), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while setting this process's cores", ex);
		}
	}

}
