package dev.plangate.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs tasks on their own threads, released together, and collects every result. */
public final class Race {

	private Race() {
	}

	public static <T> List<T> run(List<Callable<T>> tasks) throws Exception {
		var start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
		try {
			var futures = new ArrayList<Future<T>>();
			for (var task : tasks) {
				futures.add(pool.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			var results = new ArrayList<T>();
			for (var future : futures) {
				results.add(future.get(60, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	public static <T> List<T> times(int n, Callable<T> task) throws Exception {
		var tasks = new ArrayList<Callable<T>>();
		for (int i = 0; i < n; i++) {
			tasks.add(task);
		}
		return run(tasks);
	}

}
