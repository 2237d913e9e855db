package dev.plangate.enforcement;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** The decision counts of every node, per minute, feature, outcome and code. */
@Repository
class DecisionCountRepository {

	private static final int ROWS_A_STATEMENT = 1000;

	/** A bucket's counts of one feature, outcome and code. */
	record BucketCount(long bucket, String feature, String outcome, String code, long count) {
	}

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final boolean postgres;

	DecisionCountRepository(JdbcClient jdbc, JdbcTemplate template, DataSource dataSource) {
		this.jdbc = jdbc;
		this.template = template;
		this.postgres = isPostgres(dataSource);
	}

	private static boolean isPostgres(DataSource dataSource) {
		try (var connection = dataSource.getConnection()) {
			return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot tell which database holds the decision counts", ex);
		}
	}

	/**
	 * Adds counts to the stored ones, in key order so that nodes adding at once do not
	 * wait on each other in a circle: on PostgreSQL up to {@value #ROWS_A_STATEMENT} rows
	 * an {@code insert … on conflict do update}, on H2 a {@code merge} a row.
	 */
	void add(List<DecisionCounts.Count> counts) {
		var rows = counts.stream()
			.sorted((a, b) -> a.cell().minute() != b.cell().minute()
					? Long.compare(a.cell().minute(), b.cell().minute())
					: (a.cell().feature() + '\0' + a.cell().outcome() + '\0' + a.cell().code())
						.compareTo(b.cell().feature() + '\0' + b.cell().outcome() + '\0' + b.cell().code()))
			.toList();
		if (rows.isEmpty()) {
			return;
		}
		if (!postgres) {
			rows.forEach(this::mergeOnH2);
			return;
		}
		for (int from = 0; from < rows.size(); from += ROWS_A_STATEMENT) {
			var chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_A_STATEMENT));
			var sql = new StringBuilder(
					"insert into decision_counts (minute_start, feature, outcome, code, decisions) values ");
			for (int i = 0; i < chunk.size(); i++) {
				sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?)");
			}
			sql.append(" on conflict (minute_start, feature, outcome, code) do update"
					+ " set decisions = decision_counts.decisions + excluded.decisions");
			template.update(sql.toString(), ps -> {
				int p = 1;
				for (var row : chunk) {
					ps.setObject(p++, Timestamps.sql(row.cell().start()));
					ps.setString(p++, row.cell().feature());
					ps.setString(p++, row.cell().outcome());
					ps.setString(p++, row.cell().code());
					ps.setLong(p++, row.count());
				}
			});
		}
	}

	/**
	 * Adds one row's count on H2, whose {@code merge} is not atomic: two nodes inserting
	 * the same new row at once both find it missing, and the later one fails on the key.
	 * The row exists then, so the merge is tried again and adds to it. Each statement
	 * commits on its own, so a failed one leaves nothing half done.
	 */
	private void mergeOnH2(DecisionCounts.Count row) {
		for (int attempt = 1;; attempt++) {
			try {
				jdbc.sql(
						"""
								merge into decision_counts d using (values (cast(:m as timestamp with time zone),
								  cast(:f as varchar(64)), cast(:o as varchar(16)), cast(:c as varchar(64)), cast(:n as bigint)))
								  v (m, f, o, c, n)
								on d.minute_start = v.m and d.feature = v.f and d.outcome = v.o and d.code = v.c
								when matched then update set decisions = d.decisions + v.n
								when not matched then insert (minute_start, feature, outcome, code, decisions) values (v.m, v.f, v.o, v.c, v.n)""")
					.param("m", Timestamps.sql(row.cell().start()))
					.param("f", row.cell().feature())
					.param("o", row.cell().outcome())
					.param("c", row.cell().code())
					.param("n", row.count())
					.update();
				return;
			}
			catch (DuplicateKeyException ex) {
				if (attempt == 3) {
					throw ex;
				}
			}
		}
	}

	/**
	 * The counts of {@code [from, to)} summed per bucket of {@code bucketSeconds} (a
	 * bucket is the epoch second it starts at divided by its length), feature, outcome
	 * and code.
	 */
	List<BucketCount> sums(Instant from, Instant to, int bucketSeconds, @Nullable String feature) {
		// the bucket's length is a constant of the code, written into the statement so
		// that its select and group by name the same expression
		var bucket = "floor(extract(epoch from minute_start) / " + bucketSeconds + ")";
		var statement = jdbc
			.sql("select " + bucket + " as bucket, feature, outcome, code, sum(decisions) as n"
					+ " from decision_counts where minute_start >= :from and minute_start < :to"
					+ (feature == null ? "" : " and feature = :feature") + " group by " + bucket
					+ ", feature, outcome, code")
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to));
		if (feature != null) {
			statement = statement.param("feature", feature);
		}
		return statement
			.query((rs, n) -> new BucketCount(rs.getLong("bucket"), rs.getString("feature"), rs.getString("outcome"),
					rs.getString("code"), rs.getLong("n")))
			.list();
	}

	/**
	 * Removes the counts of minutes before {@code cutoff}, {@code minutes} minutes a
	 * statement; answers how many rows went.
	 */
	int purge(Instant cutoff, int minutes) {
		int total = 0;
		while (true) {
			var oldest = jdbc
				.sql("""
						select distinct minute_start from decision_counts where minute_start < :cutoff order by minute_start limit :n""")
				.param("cutoff", Timestamps.sql(cutoff))
				.param("n", minutes)
				.query((rs, n) -> Timestamps.readRequired(rs, "minute_start"))
				.list();
			if (oldest.isEmpty()) {
				return total;
			}
			total += jdbc.sql("delete from decision_counts where minute_start <= :last and minute_start < :cutoff")
				.param("last", Timestamps.sql(oldest.get(oldest.size() - 1)))
				.param("cutoff", Timestamps.sql(cutoff))
				.update();
			if (oldest.size() < minutes) {
				return total;
			}
		}
	}

}
