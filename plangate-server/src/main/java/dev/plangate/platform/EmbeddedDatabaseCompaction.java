package dev.plangate.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the embedded H2 file from growing far past its data.
 * <p>
 * The embedded database writes each commit to its file before the commit returns
 * ({@code WRITE_DELAY=0}): every commit writes a new piece (chunk) of the file, and H2
 * runs no background writer then. H2 reuses the space of a chunk none of whose pages is
 * live any more only once it has been dead for the store's retention time (45 s by
 * default), in case the operating system had not yet written the commits that made it
 * dead when the power fails; and only that background writer rewrites the few live pages
 * of nearly empty chunks. Under sustained commits the file so holds everything written in
 * the last 45 s, and more as nearly empty chunks pile up.
 * <p>
 * Every second, on its own thread, this syncs the file to disk, which makes those
 * retained chunks safe to reuse sooner: the retention is lowered to a few intervals. It
 * then rewrites, with bounded work, the live pages of the emptiest chunks so that they
 * too die and are reused, and moves chunks from the end of the file into holes so that
 * the file can shrink. All three are H2's own operations, run as its background writer
 * would; rewriting waits for no commit, moving holds commits for as long as copying a few
 * megabytes takes. A run that fails puts H2's own retention back. A kill of the process
 * loses nothing either way (each commit is in the file before it returns); a power loss
 * now loses at most the last second or so of commits.
 * <p>
 * Does nothing for any other database (PostgreSQL), for an in-memory H2 or for an H2
 * reached over the network.
 */
public final class EmbeddedDatabaseCompaction implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseCompaction.class);

	/** How often the file is synced and compacted. */
	static final Duration INTERVAL = Duration.ofSeconds(1);

	/**
	 * How long a dead chunk is kept: several intervals, so that the commits which made it
	 * dead have been synced even when a run comes late.
	 */
	static final Duration RETENTION = INTERVAL.multipliedBy(5);

	/** Chunks less full than this (percent) are rewritten. */
	static final int TARGET_FILL_RATE = 50;

	/** At most this many bytes are rewritten, and as many moved, in one run. */
	static final int WORK_PER_RUN = 4 * 1024 * 1024;

	private final DataSource dataSource;

	private final ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(task -> {
		var thread = new Thread(task, "embedded-database-compaction");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean applies = true;

	private volatile @Nullable MVStore store;

	public EmbeddedDatabaseCompaction(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/** Runs {@link #compact()} every {@link #INTERVAL} until closed. */
	public EmbeddedDatabaseCompaction start() {
		runner.scheduleWithFixedDelay(this::compact, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		return this;
	}

	/** Syncs and compacts once, within bounds. */
	public void compact() {
		if (!applies) {
			return;
		}
		MVStore current = store;
		try {
			if (current == null || current.isClosed()) {
				current = openStore();
				if (current == null) {
					return;
				}
			}
			current.sync();
			current.setRetentionTime((int) RETENTION.toMillis());
			current.compact(TARGET_FILL_RATE, WORK_PER_RUN);
			if (current.getFileStore() instanceof RandomAccessStore file) {
				file.compactMoveChunks(TARGET_FILL_RATE, WORK_PER_RUN, current);
			}
		}
		catch (SQLException | RuntimeException ex) {
			log.warn("Compacting the embedded database failed: {}", ex.toString());
			restoreRetention(current);
		}
		catch (Error error) {
			// the executor runs no further task after this: the short retention is safe
			// only while the file is synced every second
			restoreRetention(current);
			throw error;
		}
	}

	/**
	 * Finds the store once and keeps it, so that syncing needs no connection from a pool
	 * that may be busy; stops for good when the database is not an H2 file.
	 */
	private @Nullable MVStore openStore() throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			MVStore found = fileStore(connection);
			if (found == null) {
				applies = false;
				runner.shutdown();
			}
			store = found;
			return found;
		}
	}

	/**
	 * Stops compacting once a run under way has ended, and gives the store back H2's own
	 * retention.
	 * <p>
	 * A run under way is waited for, not interrupted: an interrupt that reaches a thread
	 * in the middle of the file's I/O closes the file's channel, for the whole database
	 * and not only for that thread, and H2 then fails every later read of the file. A
	 * run's work is bounded ({@link #WORK_PER_RUN}), so the wait is short.
	 */
	@Override
	public void close() throws InterruptedException {
		runner.shutdown();
		if (!runner.awaitTermination(30, TimeUnit.SECONDS)) {
			log.warn("A compaction of the embedded database was still running after 30 s; leaving it to end");
		}
		restoreRetention(store);
	}

	private static void restoreRetention(@Nullable MVStore store) {
		if (store != null && !store.isClosed() && store.getFileStore() != null) {
			store.setRetentionTime(store.getFileStore().getDefaultRetentionTime());
		}
	}

	/** The store of the H2 file database open in this process, or null. */
	private static @Nullable MVStore fileStore(Connection connection) throws SQLException {
		if (!connection.isWrapperFor(JdbcConnection.class)
				|| !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
			return null;
		}
		var database = session.getDatabase();
		if (!database.isPersistent() || database.getStore() == null) {
			return null;
		}
		var store = database.getStore().getMvStore();
		return store.getFileStore() == null ? null : store;
	}

	@Configuration(proxyBeanMethods = false)
	static class Registration {

		@Bean
		EmbeddedDatabaseCompaction embeddedDatabaseCompaction(DataSource dataSource) {
			return new EmbeddedDatabaseCompaction(dataSource).start();
		}

	}

}
