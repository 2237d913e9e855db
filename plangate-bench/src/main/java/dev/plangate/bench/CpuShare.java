package dev.plangate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.management.OperatingSystemMXBean;

/**
 * How much of the machine's CPU went to this process and how much to others since it was
 * made: on a small machine a build running beside the bench takes cores from the server,
 * and the figures are only as good as this says.
 */
final class CpuShare {

	/** USER_HZ: /proc/stat counts in hundredths of a second. */
	private static final long NANOS_PER_TICK = 10_000_000;

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final long wallNanos = System.nanoTime();

	private final long processNanos = OS.getProcessCpuTime();

	private final long busyNanos = busyNanos();

	/**
	 * "this process 180 %, others 5 % of 2 cores", or empty where /proc/stat is missing.
	 */
	String since() {
		long busy = busyNanos();
		if (busy < 0 || busyNanos < 0) {
			return "";
		}
		double wall = System.nanoTime() - wallNanos;
		double process = OS.getProcessCpuTime() - processNanos;
		double others = Math.max(0, busy - busyNanos - process);
		return String.format("CPU: this process %.0f %%, other processes %.0f %% (of %d cores: %d %%)",
				100 * process / wall, 100 * others / wall, OS.getAvailableProcessors(),
				100 * OS.getAvailableProcessors());
	}

	/** Time all cores spent on anything but idling, or -1 when it cannot be read. */
	private static long busyNanos() {
		try {
			var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long busy = 0;
			for (int i = 1; i < fields.length; i++) {
				// idle and iowait are not work; guest time is already counted in user
				// time
				if (i != 4 && i != 5 && i < 9) {
					busy += Long.parseLong(fields[i]);
				}
			}
			return busy * NANOS_PER_TICK;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
