package dev.plangate.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.core.type.TypeReference;

@Repository
class CatalogRepository {

	private static final TypeReference<Map<String, Entitlement>> ENTITLEMENTS = new TypeReference<>() {
	};

	private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
	};

	private static final TypeReference<List<Integer>> PERCENTS = new TypeReference<>() {
	};

	private static final String PLAN_COLUMNS = """
			select p.plan_key, p.status, p.is_default, p.current_version, v.version, v.name, v.description,
			       v.price_minor, v.currency, v.billing_interval, v.trial_days, v.queue_priority, v.rate_multiplier,
			       v.entitlements, v.stripe_price, v.created_at
			from plan p join plan_version v on v.plan_key = p.plan_key
			""";

	private final JdbcClient jdbc;

	CatalogRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Serializes start-up catalog loads of all nodes; hold inside a transaction. */
	void lockCatalog() {
		jdbc.sql("select id from catalog_state where id = 1 for update").query(Integer.class).single();
	}

	void recordLoad(String source, String currency, Instant at) {
		jdbc.sql("update catalog_state set source = :source, currency = :currency, loaded_at = :at where id = 1")
			.param("source", source)
			.param("currency", currency)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/** The catalog's revision: counted up by every change to features or plans. */
	long revision() {
		return jdbc.sql("select revision from catalog_state where id = 1").query(Long.class).single();
	}

	/** Counts up the catalog's revision; call in the transaction making a change. */
	void countRevision() {
		jdbc.sql("update catalog_state set revision = revision + 1 where id = 1").update();
	}

	/** The currency of the catalog file last loaded. */
	String currency() {
		return jdbc.sql("select currency from catalog_state where id = 1").query(String.class).single();
	}

	List<Feature> features() {
		return jdbc.sql("select * from feature order by feature_key").query(this::feature).list();
	}

	List<String> catalogFeatureKeys() {
		return jdbc.sql("select feature_key from feature where source = 'catalog' and archived = false")
			.query(String.class)
			.list();
	}

	void upsertFeature(Feature feature, String source, Instant at) {
		int updated = jdbc
			.sql("""
					update feature set name = :name, description = :description, kind = :kind, unit = :unit,
					  reset_period = :period, window_seconds = :window, setting_type = :type, allowed_values = :values,
					  default_entitlement = :default, alert_thresholds = :alerts, source = :source, archived = false, updated_at = :at
					where feature_key = :key""")
			.paramSource(featureParams(feature, source, at))
			.update();
		if (updated == 0) {
			jdbc.sql("""
					insert into feature (feature_key, name, description, kind, unit, reset_period, window_seconds,
					  setting_type, allowed_values, default_entitlement, alert_thresholds, source, archived, updated_at)
					values (:key, :name, :description, :kind, :unit, :period, :window, :type, :values, :default,
					  :alerts, :source, false, :at)""").paramSource(featureParams(feature, source, at)).update();
		}
	}

	void archiveFeature(String key, Instant at) {
		jdbc.sql("update feature set archived = true, updated_at = :at where feature_key = :key")
			.param("key", key)
			.param("at", Timestamps.sql(at))
			.update();
	}

	private static Map<String, @Nullable Object> featureParams(Feature f, String source, Instant at) {
		var params = new HashMap<String, @Nullable Object>();
		params.put("key", f.key());
		params.put("name", f.name());
		params.put("description", f.description());
		params.put("kind", f.kind().id());
		params.put("unit", f.unit());
		params.put("period", f.period() == null ? null : f.period().id());
		params.put("window", f.windowSeconds());
		params.put("type", f.settingType() == null ? null : f.settingType().id());
		params.put("values", StoredJson.write(f.values()));
		params.put("default", f.defaultEntitlement() == null ? null : StoredJson.write(f.defaultEntitlement()));
		params.put("alerts", f.alertThresholds().isEmpty() ? null : StoredJson.write(f.alertThresholds()));
		params.put("source", source);
		params.put("at", Timestamps.sql(at));
		return params;
	}

	private Feature feature(ResultSet rs, int row) throws SQLException {
		String period = rs.getString("reset_period");
		String type = rs.getString("setting_type");
		String values = rs.getString("allowed_values");
		String defaultEntitlement = rs.getString("default_entitlement");
		Long window = rs.getObject("window_seconds", Long.class);
		String alerts = rs.getString("alert_thresholds");
		return new Feature(rs.getString("feature_key"), rs.getString("name"), rs.getString("description"),
				FeatureKind.valueOf(upper(rs.getString("kind"))), rs.getString("unit"),
				period == null ? null : ResetPeriod.valueOf(upper(period)), window,
				type == null ? null : SettingType.valueOf(upper(type)),
				values == null ? List.of() : StoredJson.read(values, STRINGS),
				defaultEntitlement == null ? null : StoredJson.read(defaultEntitlement, Entitlement.class),
				alerts == null ? List.of() : StoredJson.read(alerts, PERCENTS));
	}

	// plans

	/** The current version of every plan. */
	List<Plan> currentPlans() {
		return jdbc.sql(PLAN_COLUMNS + " where v.version = p.current_version order by v.price_minor, p.plan_key")
			.query(this::plan)
			.list();
	}

	/** Every version of every plan, by plan key, then version. */
	List<Plan> allPlanVersions() {
		return jdbc.sql(PLAN_COLUMNS + " order by p.plan_key, v.version").query(this::plan).list();
	}

	Optional<Plan> currentPlan(String key) {
		return jdbc.sql(PLAN_COLUMNS + " where p.plan_key = :key and v.version = p.current_version")
			.param("key", key)
			.query(this::plan)
			.optional();
	}

	Optional<Plan> planVersion(String key, int version) {
		return jdbc.sql(PLAN_COLUMNS + " where p.plan_key = :key and v.version = :version")
			.param("key", key)
			.param("version", version)
			.query(this::plan)
			.optional();
	}

	/**
	 * The plan version sold at a Stripe price: a current version before an older one, a
	 * newer version before an older one.
	 */
	Optional<Plan> planVersionByStripePrice(String price) {
		return jdbc.sql(PLAN_COLUMNS + """
				 where v.stripe_price = :price
				order by case when v.version = p.current_version then 0 else 1 end, v.version desc
				fetch first 1 rows only""").param("price", price).query(this::plan).optional();
	}

	List<Plan> planVersions(String key) {
		return jdbc.sql(PLAN_COLUMNS + " where p.plan_key = :key order by v.version")
			.param("key", key)
			.query(this::plan)
			.list();
	}

	Optional<String> currentHash(String key) {
		return jdbc.sql("""
				select v.content_hash from plan p join plan_version v
				  on v.plan_key = p.plan_key and v.version = p.current_version where p.plan_key = :key""")
			.param("key", key)
			.query(String.class)
			.optional();
	}

	/** Locks a plan's row for a change; empty when there is no such plan. */
	Optional<PlanRow> lockPlan(String key) {
		return jdbc.sql("select plan_key, current_version, status, source from plan where plan_key = :key for update")
			.param("key", key)
			.query((rs, n) -> new PlanRow(rs.getString("plan_key"), rs.getInt("current_version"),
					PlanStatus.valueOf(upper(rs.getString("status"))), rs.getString("source")))
			.optional();
	}

	List<String> catalogPlanKeys() {
		return jdbc.sql("select plan_key from plan where source = 'catalog' and status = 'active'")
			.query(String.class)
			.list();
	}

	void insertPlan(String key, String source, Instant at) {
		jdbc.sql("""
				insert into plan (plan_key, current_version, status, is_default, source, created_at, updated_at)
				values (:key, 0, 'active', false, :source, :at, :at)""")
			.param("key", key)
			.param("source", source)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/** Writes a new version and makes it the plan's current one. */
	int insertVersion(PlanDefinition definition, int version, String actor, Instant at) {
		jdbc.sql("""
				insert into plan_version (plan_key, version, name, description, price_minor, currency, billing_interval,
				  trial_days, queue_priority, rate_multiplier, entitlements, stripe_price, content_hash, created_at,
				  created_by)
				values (:key, :version, :name, :description, :price, :currency, :interval, :trial, :priority,
				  :multiplier, :entitlements, :stripePrice, :hash, :at, :actor)""")
			.param("key", definition.key())
			.param("version", version)
			.param("name", definition.name())
			.param("description", definition.description())
			.param("price", definition.price())
			.param("currency", definition.currency())
			.param("interval", definition.interval().id())
			.param("trial", definition.trialDays())
			.param("priority", definition.queuePriority())
			.param("multiplier", definition.rateMultiplier())
			.param("entitlements", StoredJson.write(definition.entitlements()))
			.param("stripePrice", definition.stripePrice())
			.param("hash", StoredJson.hash(definition))
			.param("at", Timestamps.sql(at))
			.param("actor", actor)
			.update();
		jdbc.sql("update plan set current_version = :version, updated_at = :at where plan_key = :key")
			.param("version", version)
			.param("at", Timestamps.sql(at))
			.param("key", definition.key())
			.update();
		return version;
	}

	void setStatus(String key, PlanStatus status, String source, Instant at) {
		jdbc.sql("update plan set status = :status, source = :source, updated_at = :at where plan_key = :key")
			.param("status", status.id())
			.param("source", source)
			.param("at", Timestamps.sql(at))
			.param("key", key)
			.update();
	}

	void setDefault(String key) {
		jdbc.sql("update plan set is_default = (plan_key = :key)").param("key", key).update();
	}

	private Plan plan(ResultSet rs, int row) throws SQLException {
		var definition = new PlanDefinition(rs.getString("plan_key"), rs.getString("name"), rs.getString("description"),
				rs.getLong("price_minor"), rs.getString("currency"),
				BillingInterval.valueOf(upper(rs.getString("billing_interval"))), rs.getInt("trial_days"),
				rs.getInt("queue_priority"), rs.getBigDecimal("rate_multiplier"),
				StoredJson.read(rs.getString("entitlements"), ENTITLEMENTS), rs.getString("stripe_price"));
		int version = rs.getInt("version");
		return new Plan(definition.key(), version, PlanStatus.valueOf(upper(rs.getString("status"))),
				rs.getBoolean("is_default"), version == rs.getInt("current_version"), definition,
				Timestamps.readRequired(rs, "created_at"));
	}

	private static String upper(String id) {
		return id.toUpperCase(Locale.ROOT);
	}

	record PlanRow(String key, int currentVersion, PlanStatus status, String source) {
	}

}
