package dev.plangate.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;

@Repository
class LedgerRepository {

	/**
	 * Rows one statement carries at most: 12 parameters a row stays well below
	 * PostgreSQL's 65,535.
	 */
	private static final int ROWS_A_STATEMENT = 1000;

	private static final String EVENT_COLUMNS = """
			customer_id, event_id, feature_key, amount, occurred_at, period_start, recorded_at, properties, \
			used_after, from_grants, grants_left, overage""";

	/**
	 * A connection's own table for events on their way into the ledger (PostgreSQL): rows
	 * staged by {@code COPY}, which cannot skip ids recorded before, and moved by
	 * {@link #MOVE_STAGED}, which can. Temporary and emptied at every commit, so nothing
	 * staged outlives its transaction or is seen by another connection. Made once per
	 * connection ({@link #staging}).
	 */
	private static final String CREATE_STAGING = """
			create temporary table if not exists usage_event_staging (
			  ord integer not null, customer_id varchar(200) not null, event_id varchar(200) not null,
			  feature_key varchar(64) not null, amount bigint not null, occurred_at timestamp with time zone not null,
			  period_start timestamp with time zone not null, recorded_at timestamp with time zone not null,
			  properties varchar, used_after bigint, from_grants bigint, grants_left bigint, overage bigint
			) on commit delete rows""";

	/**
	 * Moves the staged events into the ledger in the order they were given, skipping ids
	 * recorded before, and answers the ids inserted.
	 */
	private static final String MOVE_STAGED = """
			with staged as (delete from usage_event_staging returning *)
			insert into usage_event (%1$s)
			select %1$s from staged order by ord
			on conflict do nothing returning customer_id, event_id""".formatted(EVENT_COLUMNS);

	/** PostgreSQL's SQLSTATE for a table that does not exist. */
	private static final String UNDEFINED_TABLE = "42P01";

	private static final String ADD_TO_TOTAL = """
			update usage_total set used = used + :used, updated_at = :at
			where customer_id = :customer and feature_key = :feature and period_start = :period""";

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	private final boolean postgres;

	/**
	 * The driver's connections whose session holds the staging table, so it is not made
	 * again at every commit. A connection is added only once the transaction that made
	 * the table has committed (a rollback undoes the creation too), and removed when the
	 * table turns out to be missing, so the next commit on it makes the table again.
	 * Weak: a connection the pool closes is forgotten.
	 */
	private final Set<PGConnection> staging = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	LedgerRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch, DataSource dataSource) {
		this.jdbc = jdbc;
		this.batch = batch;
		this.postgres = isPostgres(dataSource);
	}

	private static boolean isPostgres(DataSource dataSource) {
		try (var connection = dataSource.getConnection()) {
			return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot tell which database holds the ledger", ex);
		}
	}

	/**
	 * Inserts events whose id is new for their customer; the answer says, per event,
	 * whether it was inserted. On PostgreSQL the events are streamed with {@code COPY}
	 * into a staging table and moved into the ledger by one statement, which answers the
	 * ids it inserted; elsewhere a JDBC batch answers a row count per event. Ids must be
	 * unique within {@code events}.
	 */
	boolean[] insertNew(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		return postgres ? insertReturning(events, consumed, recordedAt) : insertBatch(events, consumed, recordedAt);
	}

	/**
	 * Streams the events with {@code COPY} into this connection's staging table, then
	 * moves them into the ledger with one
	 * {@code insert … select … on conflict do nothing}, which answers the ids it
	 * inserted, all in the caller's transaction. The staging table is emptied by the
	 * statement that moves its rows, and at every commit or rollback.
	 */
	private boolean[] insertReturning(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		var inserted = new boolean[events.size()];
		if (events.isEmpty()) {
			return inserted;
		}
		var positions = new HashMap<EventRef, Integer>(events.size() * 2);
		for (int i = 0; i < events.size(); i++) {
			positions.put(EventRef.of(events.get(i)), i);
		}
		var rows = CopyText.rows(events, consumed, recordedAt);
		var jdbcTemplate = batch.getJdbcTemplate();
		jdbcTemplate.execute((ConnectionCallback<Void>) connection -> {
			var pg = connection.unwrap(PGConnection.class);
			if (!staging.contains(pg)) {
				try (var statement = connection.createStatement()) {
					statement.execute(CREATE_STAGING);
					statement.clearWarnings();
				}
				if (TransactionSynchronizationManager.isSynchronizationActive()) {
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
						@Override
						public void afterCompletion(int status) {
							if (status == STATUS_COMMITTED) {
								staging.add(pg);
							}
						}
					});
				}
			}
			// the rows are written as they are: CopyManager.copyIn(sql, stream) would
			// read them through a 64 KiB buffer of its own, allocated for every commit
			CopyIn copy = null;
			try {
				copy = pg.getCopyAPI().copyIn("copy usage_event_staging (ord, " + EVENT_COLUMNS + ") from stdin");
				copy.writeToCopy(rows, 0, rows.length);
				long copied = copy.endCopy();
				if (copied != events.size()) {
					throw new IllegalStateException("Staged " + copied + " of " + events.size() + " usage events");
				}
			}
			catch (SQLException ex) {
				if (UNDEFINED_TABLE.equals(ex.getSQLState())) {
					// the session lost its temporary tables: make it again next time
					staging.remove(pg);
				}
				throw ex;
			}
			finally {
				if (copy != null && copy.isActive()) {
					copy.cancelCopy();
				}
			}
			return null;
		});
		jdbcTemplate.query(MOVE_STAGED, rs -> {
			var position = positions.get(new EventRef(rs.getString(1), rs.getString(2)));
			if (position == null) {
				throw new IllegalStateException("Inserted an event that was not staged: " + rs.getString(2));
			}
			inserted[position] = true;
		});
		return inserted;
	}

	private boolean[] insertBatch(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		var params = new SqlParameterSource[events.size()];
		for (int i = 0; i < params.length; i++) {
			params[i] = eventParams(events.get(i), consumed.get(i), recordedAt);
		}
		int[] counts = batch.batchUpdate("insert into usage_event (" + EVENT_COLUMNS + """
				) values (:customer, :event, :feature, :amount, :occurred, :period, :recorded, :properties, :usedAfter,
				  :fromGrants, :grantsLeft, :overage)
				on conflict do nothing""", params);
		var inserted = new boolean[counts.length];
		for (int i = 0; i < counts.length; i++) {
			inserted[i] = counts[i] != 0;
		}
		return inserted;
	}

	/** An event's columns, in the order of {@link #EVENT_COLUMNS}. */
	private static MapSqlParameterSource eventParams(UsageEvent e, @Nullable Consumed c, Instant recordedAt) {
		return new MapSqlParameterSource().addValue("customer", e.customerId())
			.addValue("event", e.eventId())
			.addValue("feature", e.feature())
			.addValue("amount", e.amount())
			.addValue("occurred", Timestamps.sql(e.occurredAt()))
			.addValue("period", Timestamps.sql(e.periodStart()))
			.addValue("recorded", Timestamps.sql(recordedAt))
			.addValue("properties", e.properties().isEmpty() ? null : StoredJson.write(e.properties()), Types.VARCHAR)
			.addValue("usedAfter", c == null ? null : c.usedAfter(), Types.BIGINT)
			.addValue("fromGrants", c == null ? null : c.fromGrants(), Types.BIGINT)
			.addValue("grantsLeft", c == null ? null : c.grantsLeft(), Types.BIGINT)
			.addValue("overage", c == null ? null : c.overage(), Types.BIGINT);
	}

	/** The events recorded before under any of these ids. */
	Map<EventRef, Stored> findAll(Collection<EventRef> refs) {
		var found = new HashMap<EventRef, Stored>();
		for (var stored : among("usage_event", refs,
				(rs, n) -> new Stored(recorded(rs, n), nullableLong(rs, "used_after"), nullableLong(rs, "from_grants"),
						nullableLong(rs, "grants_left"), nullableLong(rs, "overage")),
				stored -> new EventRef(stored.event().customerId(), stored.event().id()))) {
			found.put(new EventRef(stored.event().customerId(), stored.event().id()), stored);
		}
		return found;
	}

	/** The consumes refused before under any of these ids. */
	Map<EventRef, LedgerDecision> refusals(Collection<EventRef> refs) {
		var found = new HashMap<EventRef, LedgerDecision>();
		for (var refusal : among("consume_refusal", refs, LedgerRepository::refusal,
				refusal -> new EventRef(refusal.event().customerId(), refusal.event().id()))) {
			found.put(new EventRef(refusal.event().customerId(), refusal.event().id()), refusal);
		}
		return found;
	}

	/**
	 * A table's rows keyed by customer and event id, for many ids a statement. Both
	 * columns are matched with IN lists, which every database answers from the primary
	 * key (OR-ed pairs make H2 scan the table), and the pairs not asked for are dropped.
	 */
	private <T> List<T> among(String table, Collection<EventRef> refs, RowMapper<T> mapper,
			Function<T, EventRef> refOf) {
		var rows = new ArrayList<T>();
		var list = List.copyOf(new LinkedHashSet<>(refs));
		var wanted = new HashSet<>(list);
		for (int from = 0; from < list.size(); from += ROWS_A_STATEMENT) {
			var chunk = list.subList(from, Math.min(list.size(), from + ROWS_A_STATEMENT));
			var found = jdbc
				.sql("select * from " + table + " where customer_id in (:customers) and event_id in (:events)")
				.param("customers", chunk.stream().map(EventRef::customerId).distinct().toList())
				.param("events", chunk.stream().map(EventRef::eventId).distinct().toList())
				.query(mapper)
				.list();
			found.stream().filter(row -> wanted.contains(refOf.apply(row))).forEach(rows::add);
		}
		return rows;
	}

	/** One customer's event id. */
	record EventRef(String customerId, String eventId) {

		static EventRef of(UsageEvent event) {
			return new EventRef(event.customerId(), event.eventId());
		}

	}

	/**
	 * An event as recorded, and what its consume left (absent for an event recorded
	 * without a limit).
	 */
	record Stored(Recorded event, @Nullable Long usedAfter, @Nullable Long fromGrants, @Nullable Long grantsLeft,
			@Nullable Long overage) {
	}

	Optional<Recorded> find(String customerId, String eventId) {
		return jdbc.sql("select * from usage_event where customer_id = :customer and event_id = :event")
			.param("customer", customerId)
			.param("event", eventId)
			.query(this::recorded)
			.optional();
	}

	/**
	 * Adds events to the hourly and the daily rollups, one upsert per customer, feature
	 * and hour (UTC) of their occurrence, then one per customer, feature and day, each in
	 * key order, so that writers on different nodes, all taking hours before days, do not
	 * wait on each other in a circle. On PostgreSQL up to {@value #ROWS_A_STATEMENT}
	 * rollups go in one {@code insert … on conflict do update}; on H2 a JDBC batch of
	 * {@code merge}.
	 */
	void addToRollups(List<UsageEvent> events) {
		addToRollups(Rollups.HOURLY, events);
		addToRollups(Rollups.DAILY, events);
	}

	private void addToRollups(Rollups table, List<UsageEvent> events) {
		var merged = new TreeMap<RollupKey, long[]>();
		for (var e : events) {
			var key = new RollupKey(e.customerId(), e.feature(), e.occurredAt().truncatedTo(table.unit));
			var sums = merged.computeIfAbsent(key, k -> new long[2]);
			sums[0] += e.amount();
			sums[1]++;
		}
		var rows = List.copyOf(merged.entrySet());
		if (!postgres) {
			batch.getJdbcTemplate()
				.batchUpdate("""
						merge into %1$s r using (values (cast(? as varchar(200)), cast(? as varchar(64)),
						  cast(? as timestamp with time zone), cast(? as bigint), cast(? as bigint))) v (c, f, h, a, n)
						on r.customer_id = v.c and r.feature_key = v.f and r.%2$s = v.h
						when matched then update set amount = r.amount + v.a, events = r.events + v.n
						when not matched then insert (customer_id, feature_key, %2$s, amount, events)
						  values (v.c, v.f, v.h, v.a, v.n)""".formatted(table.name, table.start), rows, rows.size(),
						(ps, row) -> {
							ps.setString(1, row.getKey().customerId());
							ps.setString(2, row.getKey().feature());
							ps.setObject(3, Timestamps.sql(row.getKey().start()));
							ps.setLong(4, row.getValue()[0]);
							ps.setLong(5, row.getValue()[1]);
						});
			return;
		}
		for (int from = 0; from < rows.size(); from += ROWS_A_STATEMENT) {
			var chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_A_STATEMENT));
			var sql = new StringBuilder("insert into %s (customer_id, feature_key, %s, amount, events) values "
				.formatted(table.name, table.start));
			for (int i = 0; i < chunk.size(); i++) {
				sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?)");
			}
			sql.append("""
					 on conflict (customer_id, feature_key, %2$s) do update
					set amount = %1$s.amount + excluded.amount, events = %1$s.events + excluded.events"""
				.formatted(table.name, table.start));
			batch.getJdbcTemplate().update(sql.toString(), ps -> {
				int p = 1;
				for (var row : chunk) {
					ps.setString(p++, row.getKey().customerId());
					ps.setString(p++, row.getKey().feature());
					ps.setObject(p++, Timestamps.sql(row.getKey().start()));
					ps.setLong(p++, row.getValue()[0]);
					ps.setLong(p++, row.getValue()[1]);
				}
			});
		}
	}

	/**
	 * The hourly rollups of a customer from {@code from} (inclusive) to {@code to}
	 * (exclusive), of one feature or (absent) all, in feature and hour order.
	 */
	List<Rollup> rollups(String customerId, @Nullable String feature, Instant from, Instant to) {
		return rollups(Rollups.HOURLY, customerId, feature, from, to);
	}

	/**
	 * The daily rollups of a customer from {@code from} (inclusive) to {@code to}
	 * (exclusive), of one feature or (absent) all, in feature and day order.
	 */
	List<Rollup> dailyRollups(String customerId, @Nullable String feature, Instant from, Instant to) {
		return rollups(Rollups.DAILY, customerId, feature, from, to);
	}

	/**
	 * Reads rollups with their start as seconds since the epoch, which neither database
	 * driver has to decode into a date and time with an offset.
	 */
	private List<Rollup> rollups(Rollups table, String customerId, @Nullable String feature, Instant from, Instant to) {
		var sql = "select feature_key, cast(extract(epoch from %2$s) as bigint), amount, events from %1$s "
				+ "where customer_id = :customer and %2$s >= :from and %2$s < :to"
				+ (feature == null ? "" : " and feature_key = :feature") + " order by feature_key, %2$s";
		return jdbc.sql(sql.formatted(table.name, table.start))
			.param("customer", customerId)
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to))
			.param("feature", feature)
			.query((rs, n) -> new Rollup(rs.getString(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getLong(3),
					rs.getLong(4)))
			.list();
	}

	/**
	 * The rollup tables: their name, the column of their buckets' start, and its unit.
	 */
	private enum Rollups {

		HOURLY("usage_rollup", "hour_start", ChronoUnit.HOURS), DAILY("usage_rollup_day", "day_start", ChronoUnit.DAYS);

		final String name;

		final String start;

		final ChronoUnit unit;

		Rollups(String name, String start, ChronoUnit unit) {
			this.name = name;
			this.start = start;
			this.unit = unit;
		}

	}

	/** One hour's or day's usage of a feature: its amount and number of events. */
	record Rollup(String feature, Instant start, long amount, long events) {
	}

	/** What a rollup counts, in the order rollups are written. */
	record RollupKey(String customerId, String feature, Instant start) implements Comparable<RollupKey> {

		@Override
		public int compareTo(RollupKey other) {
			int c = customerId.compareTo(other.customerId);
			if (c == 0) {
				c = feature.compareTo(other.feature);
			}
			return c != 0 ? c : start.compareTo(other.start);
		}
	}

	/**
	 * Adds to usage totals in one JDBC batch; the writer has locked them with
	 * {@link #lockTotals} before. A total that does not exist yet is inserted; if another
	 * writer inserted it a moment before, it is added to.
	 */
	void addToTotals(List<TotalKey> keys, Map<TotalKey, Long> amounts, Instant at) {
		var sorted = keys.stream().sorted().toList();
		int[] updated = batch.batchUpdate(ADD_TO_TOTAL,
				sorted.stream().map(k -> totalParams(k, amounts.get(k), at)).toArray(SqlParameterSource[]::new));
		for (int i = 0; i < updated.length; i++) {
			if (updated[i] != 0) {
				continue;
			}
			var key = sorted.get(i);
			int inserted = jdbc.sql("""
					insert into usage_total (customer_id, feature_key, period_start, used, updated_at)
					values (:customer, :feature, :period, :used, :at) on conflict do nothing""")
				.paramSource(totalParams(key, amounts.get(key), at))
				.update();
			if (inserted == 0
					&& jdbc.sql(ADD_TO_TOTAL).paramSource(totalParams(key, amounts.get(key), at)).update() != 1) {
				throw new IllegalStateException("Usage total " + key + " neither exists nor can be created");
			}
		}
	}

	private static MapSqlParameterSource totalParams(TotalKey key, long amount, Instant at) {
		return new MapSqlParameterSource().addValue("customer", key.customerId())
			.addValue("feature", key.feature())
			.addValue("period", Timestamps.sql(key.periodStart()))
			.addValue("used", amount)
			.addValue("at", Timestamps.sql(at));
	}

	/**
	 * Locks the totals of the given keys, creating those that do not exist yet, and
	 * answers each total. Missing totals are inserted in one JDBC batch in key order;
	 * then the totals of each feature and period are locked by one read, in customer
	 * order. Every writer, on every node, locks in this order, so none waits on another
	 * in a circle.
	 */
	Map<TotalKey, Long> lockTotals(List<TotalKey> keys, Instant at) {
		var totals = new HashMap<TotalKey, Long>();
		var sorted = keys.stream().distinct().sorted().toList();
		batch.batchUpdate("""
				insert into usage_total (customer_id, feature_key, period_start, used, updated_at)
				values (:customer, :feature, :period, 0, :at) on conflict do nothing""",
				sorted.stream().map(k -> totalParams(k, 0, at)).toArray(SqlParameterSource[]::new));
		var groups = new LinkedHashMap<TotalKey, List<String>>();
		for (var key : sorted) {
			groups.computeIfAbsent(new TotalKey("", key.feature(), key.periodStart()), g -> new ArrayList<>())
				.add(key.customerId());
		}
		groups.forEach((group, customers) -> {
			for (int from = 0; from < customers.size(); from += ROWS_A_STATEMENT) {
				jdbc.sql("""
						select customer_id, used from usage_total
						where feature_key = :feature and period_start = :period and customer_id in (:customers)
						order by customer_id for update""")
					.param("feature", group.feature())
					.param("period", Timestamps.sql(group.periodStart()))
					.param("customers", customers.subList(from, Math.min(customers.size(), from + ROWS_A_STATEMENT)))
					.query((rs, n) -> totals.put(new TotalKey(rs.getString(1), group.feature(), group.periodStart()),
							rs.getLong(2)))
					.list();
			}
		});
		if (totals.size() != sorted.size()) {
			throw new IllegalStateException("Locked " + totals.size() + " of " + sorted.size() + " usage totals");
		}
		return totals;
	}

	Optional<LedgerDecision> refusal(String customerId, String eventId) {
		return jdbc.sql("select * from consume_refusal where customer_id = :customer and event_id = :event")
			.param("customer", customerId)
			.param("event", eventId)
			.query(LedgerRepository::refusal)
			.optional();
	}

	private static LedgerDecision refusal(ResultSet rs, int n) throws SQLException {
		return new LedgerDecision(
				new Recorded(rs.getString("event_id"), rs.getString("customer_id"), rs.getString("feature_key"),
						rs.getLong("amount"), Timestamps.readRequired(rs, "decided_at"),
						Timestamps.readRequired(rs, "decided_at"), true),
				false, rs.getLong("used"), rs.getLong("limit_value"), null, nullableLong(rs, "grants_left"), null,
				nullableLong(rs, "overage_cap"));
	}

	void insertRefusal(UsageEvent event, long used, long limit, @Nullable Long grantsLeft, @Nullable Long overageCap,
			Instant at) {
		jdbc.sql("""
				insert into consume_refusal (customer_id, event_id, feature_key, amount, used, limit_value, grants_left,
				  overage_cap, decided_at)
				values (:customer, :event, :feature, :amount, :used, :limit, :grantsLeft, :overageCap, :at)
				on conflict do nothing""")
			.param("customer", event.customerId())
			.param("event", event.eventId())
			.param("feature", event.feature())
			.param("amount", event.amount())
			.param("used", used)
			.param("limit", limit)
			.param("grantsLeft", grantsLeft)
			.param("overageCap", overageCap)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/**
	 * Usage of one feature in the period starting at {@code periodStart}; 0 when none was
	 * recorded.
	 */
	long used(String customerId, String feature, Instant periodStart) {
		return jdbc.sql("""
				select used from usage_total
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	/** The state versions of the customers, by id; an unknown customer has none. */
	Map<String, Long> stateVersions(Collection<String> customerIds) {
		var versions = new HashMap<String, Long>();
		jdbc.sql("select customer_id, state_version from customer where customer_id in (:ids)")
			.param("ids", customerIds)
			.query(rs -> {
				versions.put(rs.getString(1), rs.getLong(2));
			});
		return versions;
	}

	/**
	 * The customer's state version and its usage of one feature in the period starting at
	 * {@code periodStart} (0 when none was recorded), read in one statement; empty for an
	 * unknown customer.
	 */
	Optional<MeteringService.VersionedUsage> usedWithStateVersion(String customerId, String feature,
			Instant periodStart) {
		return jdbc.sql("""
				select c.state_version,
				       coalesce((select t.used from usage_total t
				                 where t.customer_id = c.customer_id and t.feature_key = :feature
				                   and t.period_start = :period), 0) as used
				from customer c where c.customer_id = :customer""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query((rs, row) -> new MeteringService.VersionedUsage(rs.getLong(1), rs.getLong(2)))
			.optional();
	}

	/**
	 * The overage admitted for one feature in one period: what its consumes took beyond
	 * the allowance and the grants. Read by the writer under the lock of the period's
	 * total.
	 */
	long overage(String customerId, String feature, Instant periodStart) {
		return jdbc.sql("""
				select coalesce(sum(overage), 0) from usage_event
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query(Long.class)
			.single();
	}

	/**
	 * The overage of every customer, feature and period starting at or after
	 * {@code since}, one row each.
	 */
	List<PeriodOverage> overages(Instant since) {
		return jdbc.sql("""
				select customer_id, feature_key, period_start, sum(overage) as units from usage_event
				where overage > 0 and period_start >= :since
				group by customer_id, feature_key, period_start
				order by period_start, customer_id, feature_key""")
			.param("since", Timestamps.sql(since))
			.query((rs, n) -> new PeriodOverage(rs.getString("customer_id"), rs.getString("feature_key"),
					Timestamps.readRequired(rs, "period_start"), null, rs.getLong("units")))
			.list();
	}

	/**
	 * The events of one feature in one period, for audits and rebuilding totals: the
	 * ledger's own sum.
	 */
	long ledgerSum(String customerId, String feature, Instant periodStart) {
		return jdbc.sql("""
				select coalesce(sum(amount), 0) from usage_event
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query(Long.class)
			.single();
	}

	private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	private Recorded recorded(ResultSet rs, int n) throws SQLException {
		return new Recorded(rs.getString("event_id"), rs.getString("customer_id"), rs.getString("feature_key"),
				rs.getLong("amount"), Timestamps.readRequired(rs, "occurred_at"),
				Timestamps.readRequired(rs, "recorded_at"), true);
	}

	/**
	 * What a consume left: the period's total right after it, and its draw on grants.
	 */
	record Consumed(long usedAfter, @Nullable Long fromGrants, @Nullable Long grantsLeft, @Nullable Long overage) {
	}

	/**
	 * What a usage total counts: one feature of one customer in one period. Totals are
	 * locked in the order of feature, period, then customer.
	 */
	record TotalKey(String customerId, String feature, Instant periodStart) implements Comparable<TotalKey> {

		@Override
		public int compareTo(TotalKey other) {
			int c = feature.compareTo(other.feature);
			if (c == 0) {
				c = periodStart.compareTo(other.periodStart);
			}
			return c != 0 ? c : customerId.compareTo(other.customerId);
		}
	}

}
