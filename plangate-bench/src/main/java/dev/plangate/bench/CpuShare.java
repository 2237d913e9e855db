package dev.plangate.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.sun.management.OperatingSystemMXBean;

/**
 * How the machine's CPU was shared since this was made: this process (server and load
 * generator), PostgreSQL and Redis (working for it), and everything else. On a small
 * machine a build running beside the bench takes cores from the server, and the figures
 * are only as good as this says. Of everything else, the kernel's own part is told apart:
 * interrupts (the loopback network's and the disks' work is done there) and kernel
 * threads (writing back and journaling what PostgreSQL syncs, for one), which grow with
 * the load and are no sign of a busy neighbour. Reads Linux's /proc; says nothing
 * elsewhere.
 */
final class CpuShare {

	/** USER_HZ: /proc counts in hundredths of a second. */
	private static final long NANOS_PER_TICK = 10_000_000;

	private static final Set<String> DATA_STORES = Set.of("postgres", "redis-server");

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	/** The separate server's process id, or -1 while the server runs in this process. */
	private static volatile long serverPid = -1;

	private final long wallNanos = System.nanoTime();

	private final long processNanos = OS.getProcessCpuTime();

	private final long serverNanos = serverNanos();

	private final Map<String, Long> dataStoreTicks = dataStoreTicks();

	private final Map<String, Long> kernelThreadTicks = processTicks(CpuShare::isKernelThread);

	private final long interruptNanos = interruptNanos();

	private final long busyNanos = busyNanos();

	private final long processCompilerNanos = compilerNanos(Path.of("/proc/self"));

	private final long serverCompilerNanos = serverCompilerNanos();

	private final long collections = collections();

	private final long collectionMillis = collectionMillis();

	/**
	 * The shares of the CPU and this process's garbage collections since this was made,
	 * or empty where /proc cannot be read.
	 */
	String since() {
		long busy = busyNanos();
		if (busy < 0 || busyNanos < 0) {
			return "";
		}
		double wall = System.nanoTime() - wallNanos;
		double process = OS.getProcessCpuTime() - processNanos;
		double server = serverPid < 0 ? 0 : serverNanos() - serverNanos;
		double dataStores = since(dataStoreTicks, dataStoreTicks());
		double kernelThreads = since(kernelThreadTicks, processTicks(CpuShare::isKernelThread));
		double interrupts = interruptNanos() - interruptNanos;
		double others = Math.max(0, busy - busyNanos - process - server - dataStores);
		double processCompiler = compilerNanos(Path.of("/proc/self")) - processCompilerNanos;
		String processes = serverPid < 0
				? String.format("this process %.0f %% (of which the JIT compiler %.0f %%)", 100 * process / wall,
						100 * processCompiler / wall)
				: String.format(
						"server process %.0f %% (of which the JIT compiler %.0f %%), load generator (this process) "
								+ "%.0f %% (%.0f %%)",
						100 * server / wall, 100 * (serverCompilerNanos() - serverCompilerNanos) / wall,
						100 * process / wall, 100 * processCompiler / wall);
		return String.format(
				"CPU: %s, PostgreSQL and Redis %.0f %%, other processes %.0f %% "
						+ "(of which the kernel's interrupts %.0f %% and threads %.0f %%) "
						+ "(of %d cores: %d %%); this process's GC: %,d collections, %,d ms",
				processes, 100 * dataStores / wall, 100 * others / wall, 100 * Math.min(others, interrupts) / wall,
				100 * kernelThreads / wall, CORES, 100 * CORES, collections() - collections,
				collectionMillis() - collectionMillis);
	}

	/** The machine's cores, whatever this process is pinned to. */
	private static final int CORES = OS.getAvailableProcessors();

	/**
	 * Counts the separate server's CPU time (from {@code /proc}) in the bench's: its
	 * process id, or -1 when the server runs in this process again.
	 */
	static void serverProcess(long pid) {
		serverPid = pid;
	}

	/**
	 * CPU time of the load generator and the server: this process's, and the separate
	 * server's when there is one.
	 */
	static long benchCpuNanos() {
		return OS.getProcessCpuTime() + (serverPid < 0 ? 0 : serverNanos());
	}

	/**
	 * CPU time of the JIT compiler's threads (HotSpot's {@code C1 CompilerThread} and
	 * {@code C2 CompilerThread}) in this process and the separate server's, if there is
	 * one: a JVM compiles its hot code for the first tens of seconds of a load, on the
	 * same cores as the server and the data stores, and a figure measured meanwhile is
	 * not the warmed server's.
	 */
	static long compilerNanos() {
		return compilerNanos(Path.of("/proc/self")) + serverCompilerNanos();
	}

	private static long serverCompilerNanos() {
		long pid = serverPid;
		return pid < 0 ? 0 : compilerNanos(Path.of("/proc", Long.toString(pid)));
	}

	private static long compilerNanos(Path process) {
		return threadTicks(process, CpuShare::isCompiler) * NANOS_PER_TICK;
	}

	/** Whether a /proc/PID/task/TID/stat is a JIT compiler thread's. */
	static boolean isCompiler(String stat) {
		String name = command(stat);
		return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
	}

	/**
	 * utime + stime of a process's threads whose /proc/PID/task/TID/stat {@code counts}.
	 */
	private static long threadTicks(Path process, Predicate<String> counts) {
		long ticks = 0;
		try (Stream<Path> threads = Files.list(process.resolve("task"))) {
			for (var thread : (Iterable<Path>) threads::iterator) {
				try {
					String stat = Files.readString(thread.resolve("stat"));
					if (counts.test(stat)) {
						ticks += ticks(stat);
					}
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// nothing to tell
		}
		return ticks;
	}

	private static long serverNanos() {
		long pid = serverPid;
		return pid < 0 ? 0 : processTicks(Path.of("/proc", Long.toString(pid))) * NANOS_PER_TICK;
	}

	private static long collections() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionCount)
			.sum();
	}

	private static long collectionMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionTime)
			.sum();
	}

	/** Time all cores spent on anything but idling, or -1 when it cannot be read. */
	private static long busyNanos() {
		try {
			var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long busy = 0;
			for (int i = 1; i < fields.length; i++) {
				// idle and iowait are not work; guest time is counted in user time
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

	/**
	 * Time all cores spent serving interrupts, hard and soft, or 0 when it cannot be
	 * read.
	 */
	private static long interruptNanos() {
		try {
			var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			return (Long.parseLong(fields[6]) + Long.parseLong(fields[7])) * NANOS_PER_TICK;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	/**
	 * The data stores' processes last seen, by process id and start time, with their
	 * utime + stime then: read every half second, so that a backend whose connection
	 * closed in a window still counts for what it spent there, up to its last reading.
	 */
	private static final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

	static {
		var watch = new Thread(() -> {
			while (true) {
				lastSeen.putAll(processTicks(CpuShare::isDataStore));
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "bench-cpu-share");
		watch.setDaemon(true);
		watch.start();
	}

	/** The data stores' processes now, and those that ended with their last reading. */
	private static Map<String, Long> dataStoreTicks() {
		var now = processTicks(CpuShare::isDataStore);
		lastSeen.putAll(now);
		return Map.copyOf(lastSeen);
	}

	/**
	 * CPU time the processes of {@code now} spent since {@code before}: all of it for
	 * those started since. Each process is taken on its own, so one that ended meanwhile
	 * takes nothing away.
	 */
	private static long since(Map<String, Long> before, Map<String, Long> now) {
		long ticks = 0;
		for (var process : now.entrySet()) {
			ticks += process.getValue() - before.getOrDefault(process.getKey(), 0L);
		}
		return ticks * NANOS_PER_TICK;
	}

	/**
	 * utime + stime of the processes running now whose /proc/PID/stat {@code counts}, by
	 * process id and start time (an id can be taken again by a new process).
	 */
	private static Map<String, Long> processTicks(Predicate<String> counts) {
		var ticks = new HashMap<String, Long>();
		try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
			processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
				try {
					String stat = Files.readString(p.resolve("stat"));
					if (counts.test(stat)) {
						// from the state on, the start time is the 20th field
						var started = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
						ticks.put(p.getFileName() + "/" + started, ticks(stat));
					}
				}
				catch (IOException | RuntimeException ex) {
					// the process ended meanwhile
				}
			});
		}
		catch (IOException | RuntimeException ex) {
			// nothing to tell
		}
		return ticks;
	}

	/** Whether a /proc/PID/stat is a data store's: its "(comm)". */
	static boolean isDataStore(String stat) {
		return DATA_STORES.contains(command(stat));
	}

	/** The "(comm)" of a /proc stat line: a process's command, or a thread's name. */
	private static String command(String stat) {
		return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
	}

	/**
	 * Whether a /proc/PID/stat is a kernel thread's: kthreadd (process 2) or one of its
	 * children (the parent's id is the second field after "(comm)").
	 */
	static boolean isKernelThread(String stat) {
		var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3);
		return stat.startsWith("2 ") || fields[1].equals("2");
	}

	/** utime + stime of one process, 0 once it has ended. */
	private static long processTicks(Path process) {
		try {
			return ticks(Files.readString(process.resolve("stat")));
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static long ticks(String stat) {
		{
			var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields from the state on: utime and stime are the 12th and 13th
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
	}

}
