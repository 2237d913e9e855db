package dev.plangate.metering;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
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

import dev.plangate.platform.PlannedEachTime;
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

	/**
	 * Events at most that are inserted from arrays (PostgreSQL) rather than streamed with
	 * {@code COPY}.
	 */
	static final int ROWS_AS_ARRAYS = 64;

	/**
	 * Inserts events given as arrays of their columns, in the order given, skipping ids
	 * recorded before, and answers the ids inserted (PostgreSQL).
	 */
	private static final String INSERT_ARRAYS = """
			insert into usage_event (%s)
			select v.c, v.e, v.f, v.a, cast(v.o as timestamp with time zone), cast(v.p as timestamp with time zone),
			  cast(? as timestamp with time zone), v.pr, v.ua, v.fg, v.gl, v.ov
			from unnest(cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as bigint[]), cast(? as text[]),
			  cast(? as text[]), cast(? as text[]), cast(? as bigint[]), cast(? as bigint[]), cast(? as bigint[]),
			  cast(? as bigint[])) with ordinality as v (c, e, f, a, o, p, pr, ua, fg, gl, ov, n)
			order by v.n
			on conflict do nothing returning customer_id, event_id""".formatted(EVENT_COLUMNS);

	/**
	 * Creates the totals missing and locks all, in the order given (key order), and
	 * answers each total with its customer's state version, in one statement
	 * (PostgreSQL). {@code do update} rather than {@code do nothing} then a read: it
	 * locks a total another transaction is creating once that one commits, and answers
	 * the total as it then is, which a read, seeing the statement's snapshot, would not.
	 */
	private static final String LOCK_TOTALS = """
			with locked as (
			  insert into usage_total (customer_id, feature_key, period_start, used, updated_at)
			  select k.c, k.f, cast(k.p as timestamp with time zone), 0, cast(? as timestamp with time zone)
			  from unnest(cast(? as text[]), cast(? as text[]), cast(? as text[])) with ordinality as k (c, f, p, n)
			  order by k.n
			  on conflict (customer_id, feature_key, period_start) do update set used = usage_total.used
			  returning customer_id, feature_key, period_start, used)
			select customer_id, feature_key, period_start, used from locked
			union all
			select customer_id, null, null, state_version from customer where customer_id = any(cast(? as text[]))""";

	/**
	 * The events recorded and the consumes refused under any of the ids given, in one
	 * statement (PostgreSQL).
	 */
	private static final String DECIDED_BEFORE = """
			select false as refused, u.customer_id, u.event_id, u.feature_key, u.amount, u.occurred_at, u.recorded_at,
			  u.used_after, u.from_grants, u.grants_left, u.overage, cast(null as bigint) as used,
			  cast(null as bigint) as limit_value, cast(null as bigint) as overage_cap
			from unnest(cast(? as text[]), cast(? as text[])) as r (c, e)
			join usage_event u on u.customer_id = r.c and u.event_id = r.e
			union all
			select true, f.customer_id, f.event_id, f.feature_key, f.amount, f.decided_at, f.decided_at, null, null,
			  f.grants_left, null, f.used, f.limit_value, f.overage_cap
			from unnest(cast(? as text[]), cast(? as text[])) as r (c, e)
			join consume_refusal f on f.customer_id = r.c and f.event_id = r.e""";

	/**
	 * Adds to locked totals, then to the hourly rollups, then to the daily ones, each in
	 * the order given (key order), in one statement (PostgreSQL); answers how many rows
	 * of each it changed. The scalar subqueries run in the order they are written.
	 */
	private static final String ADD_UP = """
			with totals as (
			  update usage_total t set used = t.used + v.a, updated_at = cast(? as timestamp with time zone)
			  from unnest(cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as bigint[])) as v (c, f, p, a)
			  where t.customer_id = v.c and t.feature_key = v.f and t.period_start = cast(v.p as timestamp with time zone)
			  returning 1),
			hours as (
			  insert into usage_rollup (customer_id, feature_key, hour_start, amount, events)
			  select v.c, v.f, cast(v.s as timestamp with time zone), v.a, v.n
			  from unnest(cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as bigint[]),
			    cast(? as bigint[])) with ordinality as v (c, f, s, a, n, o)
			  order by v.o
			  on conflict (customer_id, feature_key, hour_start) do update
			  set amount = usage_rollup.amount + excluded.amount, events = usage_rollup.events + excluded.events
			  returning 1),
			days as (
			  insert into usage_rollup_day (customer_id, feature_key, day_start, amount, events)
			  select v.c, v.f, cast(v.s as timestamp with time zone), v.a, v.n
			  from unnest(cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as bigint[]),
			    cast(? as bigint[])) with ordinality as v (c, f, s, a, n, o)
			  order by v.o
			  on conflict (customer_id, feature_key, day_start) do update
			  set amount = usage_rollup_day.amount + excluded.amount, events = usage_rollup_day.events + excluded.events
			  returning 1)
			select (select count(*) from totals), (select count(*) from hours), (select count(*) from days)""";

	/**
	 * {@link #INSERT_ARRAYS} and {@link #ADD_UP} sent together, answered in one round
	 * trip (PostgreSQL): PgJDBC sends both statements before waiting for the first's
	 * answer, and the database runs them one after the other, in the writer's
	 * transaction.
	 */
	private static final String INSERT_AND_ADD_UP = INSERT_ARRAYS + ";\n" + ADD_UP;

	/**
	 * Takes events out of totals and rollups again (PostgreSQL): {@link #ADD_UP} with
	 * their amounts and counts negated, then, answered in the same round trip, the hourly
	 * and daily rollups of the same keys that are left counting no event are dropped.
	 * Those are the rollups a {@link #record} made for the events it then took out.
	 */
	private static final String TAKE_OUT = ADD_UP + """
			;
			with hours as (
			  delete from usage_rollup r
			  using unnest(cast(? as text[]), cast(? as text[]), cast(? as text[])) as k (c, f, s)
			  where r.customer_id = k.c and r.feature_key = k.f and r.hour_start = cast(k.s as timestamp with time zone)
			    and r.events = 0
			  returning 1),
			days as (
			  delete from usage_rollup_day r
			  using unnest(cast(? as text[]), cast(? as text[]), cast(? as text[])) as k (c, f, s)
			  where r.customer_id = k.c and r.feature_key = k.f and r.day_start = cast(k.s as timestamp with time zone)
			    and r.events = 0
			  returning 1)
			select (select count(*) from hours), (select count(*) from days)""";

	/** PostgreSQL's SQLSTATE for a unique key's violation. */
	private static final String UNIQUE_VIOLATION = "23505";

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
	 * whether it was inserted. On PostgreSQL a few events are inserted from arrays by one
	 * statement ({@link #insertArrays}), and more are streamed with {@code COPY}
	 * ({@link #insertCopied}); elsewhere a JDBC batch answers a row count per event. Ids
	 * must be unique within {@code events}.
	 */
	boolean[] insertNew(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		if (!postgres) {
			return insertBatch(events, consumed, recordedAt);
		}
		if (events.size() <= ROWS_AS_ARRAYS) {
			return insertArrays(events, consumed, recordedAt);
		}
		return insertCopied(events, consumed, recordedAt);
	}

	/**
	 * Inserts a few events (PostgreSQL) with one
	 * {@code insert … select from unnest(…) on conflict do nothing}, their columns given
	 * as arrays, which answers the ids it inserted: one round trip.
	 */
	private boolean[] insertArrays(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		var inserted = new boolean[events.size()];
		if (events.isEmpty()) {
			return inserted;
		}
		batch.getJdbcTemplate().execute((ConnectionCallback<Void>) connection -> {
			try (var statement = connection.prepareStatement(INSERT_ARRAYS)) {
				setEventArrays(connection, statement, events, consumed, recordedAt);
				try (var rs = statement.executeQuery()) {
					readInserted(rs, events, inserted);
				}
			}
			return null;
		});
		return inserted;
	}

	/**
	 * Sets {@link #INSERT_ARRAYS}'s 12 parameters, from the first: the time recorded and
	 * the events' columns as arrays. Answers the next parameter's index, 13.
	 */
	private static int setEventArrays(Connection connection, PreparedStatement statement, List<UsageEvent> events,
			List<@Nullable Consumed> consumed, Instant recordedAt) throws SQLException {
		int n = events.size();
		var customers = new String[n];
		var ids = new String[n];
		var features = new String[n];
		var amounts = new Long[n];
		var occurred = new String[n];
		var periods = new String[n];
		var properties = new String[n];
		var usedAfter = new Long[n];
		var fromGrants = new Long[n];
		var grantsLeft = new Long[n];
		var overage = new Long[n];
		for (int i = 0; i < n; i++) {
			var e = events.get(i);
			var c = consumed.get(i);
			customers[i] = e.customerId();
			ids[i] = e.eventId();
			features[i] = e.feature();
			amounts[i] = e.amount();
			occurred[i] = e.occurredAt().toString();
			periods[i] = e.periodStart().toString();
			properties[i] = e.properties().isEmpty() ? null : StoredJson.write(e.properties());
			usedAfter[i] = c == null ? null : c.usedAfter();
			fromGrants[i] = c == null ? null : c.fromGrants();
			grantsLeft[i] = c == null ? null : c.grantsLeft();
			overage[i] = c == null ? null : c.overage();
		}
		statement.setString(1, recordedAt.toString());
		statement.setArray(2, connection.createArrayOf("text", customers));
		statement.setArray(3, connection.createArrayOf("text", ids));
		statement.setArray(4, connection.createArrayOf("text", features));
		statement.setArray(5, connection.createArrayOf("int8", amounts));
		statement.setArray(6, connection.createArrayOf("text", occurred));
		statement.setArray(7, connection.createArrayOf("text", periods));
		statement.setArray(8, connection.createArrayOf("text", properties));
		statement.setArray(9, connection.createArrayOf("int8", usedAfter));
		statement.setArray(10, connection.createArrayOf("int8", fromGrants));
		statement.setArray(11, connection.createArrayOf("int8", grantsLeft));
		statement.setArray(12, connection.createArrayOf("int8", overage));
		return 13;
	}

	/** Marks the events {@link #INSERT_ARRAYS} answered as inserted. */
	private static void readInserted(ResultSet rs, List<UsageEvent> events, boolean[] inserted) throws SQLException {
		var positions = positions(events);
		while (rs.next()) {
			inserted[positionOf(positions, rs.getString(1), rs.getString(2))] = true;
		}
	}

	/**
	 * Streams many events (PostgreSQL) with {@code COPY} straight into the ledger, under
	 * a savepoint: then each row is written once. If an id was recorded before (or is
	 * being recorded by another transaction, which then commits), the copy fails as a
	 * whole, is rolled back to the savepoint, and the events take the staging table's
	 * way, which skips such ids.
	 */
	private boolean[] insertCopied(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		var rows = CopyText.rows(events, consumed, recordedAt, false);
		boolean copied = Boolean.TRUE
			.equals(batch.getJdbcTemplate().execute((ConnectionCallback<Boolean>) connection -> {
				var savepoint = connection.setSavepoint();
				try {
					copy(connection.unwrap(PGConnection.class), "copy usage_event (" + EVENT_COLUMNS + ") from stdin",
							rows, events.size());
				}
				catch (SQLException ex) {
					if (UNIQUE_VIOLATION.equals(ex.getSQLState())) {
						connection.rollback(savepoint);
						return false;
					}
					throw ex;
				}
				return true;
			}));
		if (!copied) {
			return insertStaged(events, consumed, recordedAt);
		}
		var inserted = new boolean[events.size()];
		Arrays.fill(inserted, true);
		return inserted;
	}

	/**
	 * Streams the events with {@code COPY} into this connection's staging table, then
	 * moves them into the ledger with one
	 * {@code insert … select … on conflict do nothing}, which answers the ids it
	 * inserted, all in the caller's transaction. The staging table is emptied by the
	 * statement that moves its rows, and at every commit or rollback (package-visible for
	 * tests).
	 */
	boolean[] insertStaged(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		var inserted = new boolean[events.size()];
		if (events.isEmpty()) {
			return inserted;
		}
		var positions = positions(events);
		var rows = CopyText.rows(events, consumed, recordedAt, true);
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
			try {
				copy(pg, "copy usage_event_staging (ord, " + EVENT_COLUMNS + ") from stdin", rows, events.size());
			}
			catch (SQLException ex) {
				if (UNDEFINED_TABLE.equals(ex.getSQLState())) {
					// the session lost its temporary tables: make it again next time
					staging.remove(pg);
				}
				throw ex;
			}
			return null;
		});
		jdbcTemplate.query(MOVE_STAGED, rs -> {
			inserted[positionOf(positions, rs.getString(1), rs.getString(2))] = true;
		});
		return inserted;
	}

	/**
	 * Writes rows in {@code COPY}'s text format as they are: CopyManager.copyIn(sql,
	 * stream) would read them through a 64 KiB buffer of its own, allocated for every
	 * commit.
	 */
	private static void copy(PGConnection pg, String sql, byte[] rows, int expected) throws SQLException {
		CopyIn copy = null;
		try {
			copy = pg.getCopyAPI().copyIn(sql);
			copy.writeToCopy(rows, 0, rows.length);
			long copied = copy.endCopy();
			if (copied != expected) {
				throw new IllegalStateException("Copied " + copied + " of " + expected + " usage events");
			}
		}
		finally {
			if (copy != null && copy.isActive()) {
				copy.cancelCopy();
			}
		}
	}

	private static Map<EventRef, Integer> positions(List<UsageEvent> events) {
		var positions = new HashMap<EventRef, Integer>(events.size() * 2);
		for (int i = 0; i < events.size(); i++) {
			positions.put(EventRef.of(events.get(i)), i);
		}
		return positions;
	}

	private static int positionOf(Map<EventRef, Integer> positions, String customerId, String eventId) {
		var position = positions.get(new EventRef(customerId, eventId));
		if (position == null) {
			throw new IllegalStateException("Inserted an event that was not given: " + eventId);
		}
		return position;
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

	/**
	 * The events recorded and the consumes refused before under any of these ids; on
	 * PostgreSQL in one statement.
	 */
	DecidedBefore decidedBefore(Collection<EventRef> refs) {
		if (!postgres) {
			var stored = findAll(refs);
			return new DecidedBefore(stored, refs.size() == stored.size() ? Map.of()
					: refusals(refs.stream().filter(ref -> !stored.containsKey(ref)).toList()));
		}
		var stored = new HashMap<EventRef, Stored>();
		var refused = new HashMap<EventRef, LedgerDecision>();
		var customers = refs.stream().map(EventRef::customerId).toArray(String[]::new);
		var ids = refs.stream().map(EventRef::eventId).toArray(String[]::new);
		batch.getJdbcTemplate().execute((ConnectionCallback<Void>) connection -> {
			// it joins arrays to a table that grows: a generic plan, made for the
			// table's size then, would keep the sequential scan that a ledger's first
			// consumes call for on a table of a few pages, each group commit reading
			// the whole table until the next ANALYZE of it
			try (var statement = PlannedEachTime.prepare(connection, DECIDED_BEFORE)) {
				var c = connection.createArrayOf("text", customers);
				var e = connection.createArrayOf("text", ids);
				statement.setArray(1, c);
				statement.setArray(2, e);
				statement.setArray(3, c);
				statement.setArray(4, e);
				try (var rs = statement.executeQuery()) {
					while (rs.next()) {
						var ref = new EventRef(rs.getString("customer_id"), rs.getString("event_id"));
						if (rs.getBoolean("refused")) {
							var r = recorded(rs, 0);
							refused.put(ref, new LedgerDecision(
									new Recorded(r.id(), r.customerId(), r.feature(), r.amount(), r.recordedAt(),
											r.recordedAt(), true),
									false, rs.getLong("used"), rs.getLong("limit_value"), null,
									nullableLong(rs, "grants_left"), null, nullableLong(rs, "overage_cap")));
						}
						else {
							stored.put(ref,
									new Stored(recorded(rs, 0), nullableLong(rs, "used_after"),
											nullableLong(rs, "from_grants"), nullableLong(rs, "grants_left"),
											nullableLong(rs, "overage")));
						}
					}
				}
			}
			return null;
		});
		stored.keySet().forEach(refused::remove);
		return new DecidedBefore(stored, refused);
	}

	/** What was decided before: events recorded and consumes refused, by id. */
	record DecidedBefore(Map<EventRef, Stored> stored, Map<EventRef, LedgerDecision> refusals) {
	}

	/** The events recorded before under any of these ids. */
	Map<EventRef, Stored> findAll(Collection<EventRef> refs) {
		var found = new HashMap<EventRef, Stored>();
		for (var stored : among("usage_event", refs,
				(rs, n) -> new Stored(recorded(rs, n), nullableLong(rs, "used_after"), nullableLong(rs, "from_grants"),
						nullableLong(rs, "grants_left"), nullableLong(rs, "overage")))) {
			found.put(new EventRef(stored.event().customerId(), stored.event().id()), stored);
		}
		return found;
	}

	/** The consumes refused before under any of these ids. */
	Map<EventRef, LedgerDecision> refusals(Collection<EventRef> refs) {
		var found = new HashMap<EventRef, LedgerDecision>();
		for (var refusal : among("consume_refusal", refs, LedgerRepository::refusal)) {
			found.put(new EventRef(refusal.event().customerId(), refusal.event().id()), refusal);
		}
		return found;
	}

	/**
	 * A table's rows keyed by customer and event id, for many ids a statement
	 * ({@link #amongSql}).
	 */
	private <T> List<T> among(String table, Collection<EventRef> refs, RowMapper<T> mapper) {
		var rows = new ArrayList<T>();
		var list = List.copyOf(new LinkedHashSet<>(refs));
		for (int from = 0; from < list.size(); from += ROWS_A_STATEMENT) {
			var chunk = list.subList(from, Math.min(list.size(), from + ROWS_A_STATEMENT));
			var pairs = new ArrayList<Object>(chunk.size() * 2);
			for (var ref : chunk) {
				pairs.add(ref.customerId());
				pairs.add(ref.eventId());
			}
			rows.addAll(jdbc.sql(amongSql(table, chunk.size())).params(pairs).query(mapper).list());
		}
		return rows;
	}

	/**
	 * Selects a table's rows by {@code pairs} (customer, event id) pairs, given as
	 * positional parameters, customer first: a row-value {@code IN} list, which H2
	 * answers from the table's key on the two columns, reading only the rows asked for.
	 * (Two {@code IN} lists, one a column, made H2 read every row of each customer named
	 * and drop the pairs not asked for, so that a group commit's look-up grew with the
	 * customers' ledgers; OR-ed pairs make it scan the table.)
	 */
	static String amongSql(String table, int pairs) {
		var sql = new StringBuilder(64 + pairs * 8).append("select * from ")
			.append(table)
			.append(" where (customer_id, event_id) in (");
		for (int i = 0; i < pairs; i++) {
			sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
		}
		return sql.append(')').toString();
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
	 * Inserts the events whose id is new for their customer and adds those inserted to
	 * their totals, locked before with {@link #lockTotals}, and to the rollups; the
	 * answer says, per event, whether it was inserted. Ids must be unique within
	 * {@code events}.
	 *
	 * <p>
	 * On PostgreSQL a few events ({@value #ROWS_AS_ARRAYS} or fewer: a group commit of
	 * consumes, or a small request of usage) take one round trip
	 * ({@link #INSERT_AND_ADD_UP}): the adding up counts every event in, as nearly all
	 * are new (the writer looks up a consume's id before; a repeated id of usage that
	 * already happened, a retry, is rarer). The events the insert skipped, recorded
	 * before or a moment ago by another node, are then taken out again in the same
	 * transaction, in one more round trip, and a rollup left counting no event is
	 * dropped: the totals and rollups end as if only the inserted events had been added.
	 * More events, and every group elsewhere, are inserted first ({@link #insertNew}) and
	 * those inserted added up after.
	 */
	boolean[] record(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant at) {
		if (events.isEmpty()) {
			return new boolean[0];
		}
		if (!postgres || events.size() > ROWS_AS_ARRAYS) {
			var inserted = insertNew(events, consumed, at);
			addUp(only(events, inserted, true), at);
			return inserted;
		}
		var inserted = new boolean[events.size()];
		var sums = Sums.of(events, 1);
		batch.getJdbcTemplate().execute((ConnectionCallback<Void>) connection -> {
			try (var statement = connection.prepareStatement(INSERT_AND_ADD_UP)) {
				sums.set(connection, statement, setEventArrays(connection, statement, events, consumed, at), at);
				statement.execute();
				try (var rs = statement.getResultSet()) {
					readInserted(rs, events, inserted);
				}
				statement.getMoreResults();
				try (var rs = statement.getResultSet()) {
					sums.check(rs);
				}
			}
			return null;
		});
		var skipped = only(events, inserted, false);
		if (!skipped.isEmpty()) {
			takeOut(skipped, at);
		}
		return inserted;
	}

	/** Takes events added up by {@link #record} out again ({@link #TAKE_OUT}). */
	private void takeOut(List<UsageEvent> events, Instant at) {
		var out = Sums.of(events, -1);
		batch.getJdbcTemplate().execute((ConnectionCallback<Void>) connection -> {
			try (var statement = connection.prepareStatement(TAKE_OUT)) {
				int p = out.set(connection, statement, 1, at);
				p = Sums.setKeys(connection, statement, p, out.hours().keySet());
				Sums.setKeys(connection, statement, p, out.days().keySet());
				statement.execute();
				try (var rs = statement.getResultSet()) {
					out.check(rs);
				}
			}
			return null;
		});
	}

	private static List<UsageEvent> only(List<UsageEvent> events, boolean[] inserted, boolean which) {
		var kept = new ArrayList<UsageEvent>();
		for (int i = 0; i < events.size(); i++) {
			if (inserted[i] == which) {
				kept.add(events.get(i));
			}
		}
		return kept;
	}

	/**
	 * Adds events to their totals, locked before with {@link #lockTotals}, and to the
	 * rollups ({@link #addToRollups}); on PostgreSQL in one statement ({@link #ADD_UP}).
	 */
	private void addUp(List<UsageEvent> events, Instant at) {
		if (events.isEmpty()) {
			return;
		}
		var sums = Sums.of(events, 1);
		if (!postgres) {
			addToRollups(events);
			addToTotals(sums.totals(), sums.added(), at);
			return;
		}
		addUp(sums, at);
	}

	private void addUp(Sums sums, Instant at) {
		batch.getJdbcTemplate().execute((ConnectionCallback<Void>) connection -> {
			try (var statement = connection.prepareStatement(ADD_UP)) {
				sums.set(connection, statement, 1, at);
				try (var rs = statement.executeQuery()) {
					sums.check(rs);
				}
			}
			return null;
		});
	}

	/**
	 * What events add to totals and rollups, each in key order: amounts, and for rollups
	 * also the count of events, times a sign.
	 */
	private record Sums(List<TotalKey> totals, Map<TotalKey, Long> added, TreeMap<RollupKey, long[]> hours,
			TreeMap<RollupKey, long[]> days) {

		static Sums of(List<UsageEvent> events, int sign) {
			var added = new HashMap<TotalKey, Long>();
			for (var e : events) {
				added.merge(new TotalKey(e.customerId(), e.feature(), e.periodStart()), sign * e.amount(), Long::sum);
			}
			return new Sums(added.keySet().stream().sorted().toList(), added, merged(Rollups.HOURLY, events, sign),
					merged(Rollups.DAILY, events, sign));
		}

		/**
		 * Sets {@link #ADD_UP}'s 15 parameters, from {@code first}; answers the next
		 * parameter's index.
		 */
		int set(Connection connection, PreparedStatement statement, int first, Instant at) throws SQLException {
			int p = first;
			statement.setString(p++, at.toString());
			statement.setArray(p++,
					connection.createArrayOf("text", totals.stream().map(TotalKey::customerId).toArray(String[]::new)));
			statement.setArray(p++,
					connection.createArrayOf("text", totals.stream().map(TotalKey::feature).toArray(String[]::new)));
			statement.setArray(p++, connection.createArrayOf("text",
					totals.stream().map(k -> k.periodStart().toString()).toArray(String[]::new)));
			statement.setArray(p++,
					connection.createArrayOf("int8", totals.stream().map(added::get).toArray(Long[]::new)));
			for (var rollups : List.of(hours, days)) {
				var keys = List.copyOf(rollups.keySet());
				p = setKeys(connection, statement, p, keys);
				statement.setArray(p++, connection.createArrayOf("int8",
						keys.stream().map(k -> rollups.get(k)[0]).toArray(Long[]::new)));
				statement.setArray(p++, connection.createArrayOf("int8",
						keys.stream().map(k -> rollups.get(k)[1]).toArray(Long[]::new)));
			}
			return p;
		}

		/**
		 * Sets rollup keys, in their order, as three arrays (customer, feature, start)
		 * from {@code first}; answers the next parameter's index.
		 */
		static int setKeys(Connection connection, PreparedStatement statement, int first, Collection<RollupKey> keys)
				throws SQLException {
			int p = first;
			statement.setArray(p++,
					connection.createArrayOf("text", keys.stream().map(RollupKey::customerId).toArray(String[]::new)));
			statement.setArray(p++,
					connection.createArrayOf("text", keys.stream().map(RollupKey::feature).toArray(String[]::new)));
			statement.setArray(p++, connection.createArrayOf("text",
					keys.stream().map(k -> k.start().toString()).toArray(String[]::new)));
			return p;
		}

		/** Checks {@link #ADD_UP}'s answer: every total and rollup was added to. */
		void check(ResultSet rs) throws SQLException {
			rs.next();
			if (rs.getLong(1) != totals.size() || rs.getLong(2) != hours.size() || rs.getLong(3) != days.size()) {
				throw new IllegalStateException("Added to " + rs.getLong(1) + " of " + totals.size() + " usage totals, "
						+ rs.getLong(2) + " of " + hours.size() + " hourly and " + rs.getLong(3) + " of " + days.size()
						+ " daily rollups");
			}
		}

	}

	/** Events summed by rollup: amount, then count, each times a sign, in key order. */
	private static TreeMap<RollupKey, long[]> merged(Rollups table, List<UsageEvent> events, int sign) {
		var merged = new TreeMap<RollupKey, long[]>();
		for (var e : events) {
			var key = new RollupKey(e.customerId(), e.feature(), e.occurredAt().truncatedTo(table.unit));
			var sums = merged.computeIfAbsent(key, k -> new long[2]);
			sums[0] += sign * e.amount();
			sums[1] += sign;
		}
		return merged;
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
		var merged = merged(table, events, 1);
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
	 * Locks the totals of the given keys, creating those that do not exist yet, in key
	 * order, and answers each total with the state versions of {@code customers}. Every
	 * writer, on every node, locks in this order, so none waits on another in a circle.
	 * On PostgreSQL one statement does it all ({@link #LOCK_TOTALS}).
	 */
	Locked lockTotals(List<TotalKey> keys, Collection<String> customers, Instant at) {
		if (!postgres) {
			var versions = customers.isEmpty() ? Map.<String, Long>of() : stateVersions(customers);
			return new Locked(lockTotals(keys, at), versions);
		}
		var sorted = keys.stream().distinct().sorted().toList();
		// periods as the database gives them back, to the keys asked for
		var asked = new HashMap<TotalKey, TotalKey>();
		for (var key : sorted) {
			asked.put(new TotalKey(key.customerId(), key.feature(), key.periodStart().truncatedTo(ChronoUnit.MICROS)),
					key);
		}
		var totals = new HashMap<TotalKey, Long>();
		var versions = new HashMap<String, Long>();
		batch.getJdbcTemplate().execute((ConnectionCallback<Void>) connection -> {
			try (var statement = connection.prepareStatement(LOCK_TOTALS)) {
				statement.setString(1, at.toString());
				statement.setArray(2, connection.createArrayOf("text",
						sorted.stream().map(TotalKey::customerId).toArray(String[]::new)));
				statement.setArray(3, connection.createArrayOf("text",
						sorted.stream().map(TotalKey::feature).toArray(String[]::new)));
				statement.setArray(4, connection.createArrayOf("text",
						sorted.stream().map(k -> k.periodStart().toString()).toArray(String[]::new)));
				statement.setArray(5, connection.createArrayOf("text", customers.toArray(String[]::new)));
				try (var rs = statement.executeQuery()) {
					while (rs.next()) {
						var feature = rs.getString(2);
						if (feature == null) {
							versions.put(rs.getString(1), rs.getLong(4));
							continue;
						}
						var key = asked
							.get(new TotalKey(rs.getString(1), feature, Timestamps.readRequired(rs, "period_start")));
						if (key == null) {
							throw new IllegalStateException(
									"Locked a usage total not asked for: " + rs.getString(1) + " " + feature);
						}
						totals.put(key, rs.getLong(4));
					}
				}
			}
			return null;
		});
		if (totals.size() != sorted.size()) {
			throw new IllegalStateException("Locked " + totals.size() + " of " + sorted.size() + " usage totals");
		}
		return new Locked(totals, versions);
	}

	/** Usage totals as locked, and the state versions of customers, by id. */
	record Locked(Map<TotalKey, Long> totals, Map<String, Long> versions) {
	}

	/**
	 * Locks totals as {@link #lockTotals(List, Collection, Instant)} does, elsewhere than
	 * on PostgreSQL: missing totals are inserted in one JDBC batch in key order; then the
	 * totals of each feature and period are locked by one read, in customer order.
	 */
	private Map<TotalKey, Long> lockTotals(List<TotalKey> keys, Instant at) {
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
