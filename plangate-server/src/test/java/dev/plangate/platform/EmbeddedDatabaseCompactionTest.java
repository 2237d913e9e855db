package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The embedded H2 file under sustained small commits, each written to the file before it
 * returns as the embedded mode does.
 */
class EmbeddedDatabaseCompactionTest {

	private static final long LOAD_MILLIS = 16_000;

	@TempDir
	Path dataDir;

	@Test
	void fileStopsGrowingUnderSustainedCommitsAndKeepsEveryCommit() throws Exception {
		// given: an H2 file database as the embedded mode opens it, compacted in the
		// background
		var url = "jdbc:h2:file:retry:" + dataDir + "/plangate;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0";
		var dataSource = new JdbcDataSource();
		dataSource.setURL(url);
		var file = dataDir.resolve("plangate.mv.db");
		long halfway = 0;
		long atEnd;
		long committed = 0;

		// when: one row inserted and one total updated per commit, as fast as it goes
		try (Connection connection = DriverManager.getConnection(url);
				var compaction = new EmbeddedDatabaseCompaction(dataSource).start()) {
			try (var statement = connection.createStatement()) {
				statement.execute("create table event (id bigint primary key, customer varchar(64), "
						+ "properties varchar(400))");
				statement.execute("create table total (customer varchar(64) primary key, used bigint)");
				for (int customer = 0; customer < 100; customer++) {
					statement.execute("insert into total values ('customer-" + customer + "', 0)");
				}
			}
			try (var insert = connection.prepareStatement("insert into event values (?, ?, ?)");
					var update = connection.prepareStatement("update total set used = used + 1 where customer = ?")) {
				long start = System.currentTimeMillis();
				while (System.currentTimeMillis() < start + LOAD_MILLIS) {
					var customer = "customer-" + (committed % 100);
					insert.setLong(1, committed);
					insert.setString(2, customer);
					insert.setString(3, "{\"request\":\"" + "x".repeat(200) + committed + "\"}");
					update.setString(1, customer);
					insert.executeUpdate();
					update.executeUpdate();
					committed++;
					if (halfway == 0 && System.currentTimeMillis() >= start + LOAD_MILLIS / 2) {
						halfway = Files.size(file);
					}
				}
			}
			atEnd = Files.size(file);
		}

		// then: the file holds the last few seconds of commits, not all of them, and
		// every
		// commit is there after a reopen
		assertThat(atEnd).as("file size at the end, against %d bytes halfway", halfway).isLessThan(halfway * 14 / 10);
		try (Connection connection = DriverManager.getConnection(url);
				var counts = connection.createStatement()
					.executeQuery("select (select count(*) from event), (select sum(used) from total)")) {
			counts.next();
			assertThat(counts.getLong(1)).isEqualTo(committed);
			assertThat(counts.getLong(2)).isEqualTo(committed);
		}
	}

	@Test
	void closingWaitsForARunUnderWayAndDoesNotInterruptIt() throws Exception {
		// given: a run under way, held inside its look for the database
		var entered = new CountDownLatch(1);
		var release = new CountDownLatch(1);
		var interrupted = new AtomicBoolean();
		var memory = new JdbcDataSource();
		memory.setURL("jdbc:h2:mem:compaction-closing");
		var dataSource = new DelegatingDataSource(memory) {

			@Override
			public Connection getConnection() throws SQLException {
				entered.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					// an interrupt reaching H2's file I/O here would close the file for
					// the whole database
					interrupted.set(true);
					Thread.currentThread().interrupt();
				}
				return super.getConnection();
			}

		};
		var compaction = new EmbeddedDatabaseCompaction(dataSource).start();
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

		// when: it is closed while the run goes on
		var closing = CompletableFuture.runAsync(() -> {
			try {
				compaction.close();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});

		// then: closing waits for the run, which is not interrupted
		Thread.sleep(300);
		assertThat(closing).isNotDone();
		release.countDown();
		closing.get(10, TimeUnit.SECONDS);
		assertThat(interrupted).isFalse();
	}

	@Test
	void stopsAtOnceForADatabaseThatIsNotAnH2File() throws Exception {
		// given
		var connections = new AtomicInteger();
		var memory = new JdbcDataSource();
		memory.setURL("jdbc:h2:mem:compaction");
		var dataSource = new DelegatingDataSource(memory) {

			@Override
			public Connection getConnection() throws SQLException {
				connections.incrementAndGet();
				return super.getConnection();
			}

		};
		try (var compaction = new EmbeddedDatabaseCompaction(dataSource)) {

			// when
			compaction.compact();
			compaction.compact();
		}

		// then: it looked once
		assertThat(connections).hasValue(1);
	}

}
