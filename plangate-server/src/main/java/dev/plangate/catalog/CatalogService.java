package dev.plangate.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.StoredJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The catalog: loads the catalog file at start-up (before the server takes requests),
 * keeps plan versions, and answers what a plan or feature is.
 */
@Service
public class CatalogService implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(CatalogService.class);

	private final CatalogRepository repository;

	private final CatalogCache cache;

	private final AuditLog auditLog;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final String location;

	private final CatalogReader reader = new CatalogReader();

	private final List<PlanRule> rules;

	CatalogService(CatalogRepository repository, CatalogCache cache, AuditLog auditLog,
			TransactionTemplate transactions, Clock clock, CatalogSettings settings, List<PlanRule> rules) {
		this.repository = repository;
		this.rules = rules;
		this.cache = cache;
		this.auditLog = auditLog;
		this.transactions = transactions;
		this.clock = clock;
		this.location = settings.catalog();
	}

	@Override
	public void afterPropertiesSet() {
		var catalog = reader.read(location, readLocation(location));
		transactions.executeWithoutResult(status -> apply(catalog, location));
	}

	/**
	 * Makes the stored catalog match a catalog file: new and changed plans get a new
	 * version, plans dropped from the file are archived. Nodes starting at once take
	 * turns on a row lock.
	 */
	void apply(CatalogDefinition catalog, String source) {
		repository.lockCatalog();
		var now = clock.instant();
		var stored = repository.features().stream().collect(Collectors.toMap(Feature::key, Function.identity()));
		var problems = new ArrayList<String>();
		for (var feature : catalog.features()) {
			var existing = stored.get(feature.key());
			if (existing != null && existing.kind() != feature.kind()) {
				problems.add("feature '" + feature.key() + "': kind cannot change from " + existing.kind().id() + " to "
						+ feature.kind().id() + " (stored plan versions use it); give the new feature a new key");
			}
		}
		for (var plan : catalog.plans()) {
			problems.addAll(ruleProblems(plan));
		}
		if (!problems.isEmpty()) {
			throw new CatalogException(source, problems);
		}
		var fileFeatures = new HashSet<String>();
		for (var feature : catalog.features()) {
			repository.upsertFeature(feature, "catalog", now);
			fileFeatures.add(feature.key());
		}
		repository.catalogFeatureKeys()
			.stream()
			.filter(key -> !fileFeatures.contains(key))
			.forEach(key -> repository.archiveFeature(key, now));
		var filePlans = new HashSet<String>();
		int created = 0;
		for (var plan : catalog.plans()) {
			filePlans.add(plan.key());
			var row = repository.lockPlan(plan.key());
			if (row.isEmpty()) {
				repository.insertPlan(plan.key(), "catalog", now);
				repository.insertVersion(plan, 1, Actor.SYSTEM.name(), now);
				created++;
				continue;
			}
			if (!repository.currentHash(plan.key()).orElse("").equals(StoredJson.hash(plan))) {
				int version = repository.insertVersion(plan, row.get().currentVersion() + 1, Actor.SYSTEM.name(), now);
				log.info("Plan '{}' changed in {}: now at version {}; existing subscribers keep theirs", plan.key(),
						source, version);
				created++;
			}
			repository.setStatus(plan.key(), PlanStatus.ACTIVE, "catalog", now);
		}
		for (var key : repository.catalogPlanKeys()) {
			if (!filePlans.contains(key)) {
				repository.setStatus(key, PlanStatus.ARCHIVED, "catalog", now);
				log.info("Plan '{}' is no longer in {}: archived", key, source);
			}
		}
		repository.setDefault(catalog.defaultPlan());
		repository.recordLoad(source, catalog.currency(), now);
		cache.changed();
		log.info("Catalog '{}' from {}: {} features, {} plans ({} new versions), default plan '{}'", catalog.name(),
				source, catalog.features().size(), catalog.plans().size(), created, catalog.defaultPlan());
	}

	private static String readLocation(String location) {
		try {
			if (location.startsWith("classpath:")) {
				var resource = new ClassPathResource(location.substring("classpath:".length()));
				if (!resource.exists()) {
					throw new CatalogException(location, List.of("does not exist on the class path"));
				}
				return resource.getContentAsString(StandardCharsets.UTF_8);
			}
			var path = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
			if (!Files.isRegularFile(path)) {
				throw new CatalogException(location,
						List.of("does not exist (looked for " + path.toAbsolutePath() + ")"));
			}
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new CatalogException(location, List.of("cannot be read: " + ex.getMessage()));
		}
	}

	// reading: features, plan versions and the plan list come from the catalog kept in
	// memory; a single plan is read from the database, as changes to it are

	public List<Feature> features() {
		return List.copyOf(cache.get().features().values());
	}

	/** Every feature by key, in key order (unmodifiable). */
	public Map<String, Feature> featuresByKey() {
		return cache.get().features();
	}

	/**
	 * A feature, compared with the stored catalog when this node does not know it (it may
	 * just have been added by another node).
	 */
	public Optional<Feature> findFeature(String key) {
		var feature = cache.get().features().get(key);
		return feature != null ? Optional.of(feature) : Optional.ofNullable(cache.fresh().features().get(key));
	}

	/**
	 * The feature a request names in its {@code feature} field.
	 * @throws PlangateException {@code unknown_feature} naming the field
	 */
	public Feature requestedFeature(String key) {
		return findFeature(key)
			.orElseThrow(() -> new PlangateException(ErrorCode.UNKNOWN_FEATURE, "Feature '" + key + "' does not exist",
					List.of(new FieldError("feature", "unknown feature '" + key + "'")))
				.with("feature", key));
	}

	public Feature feature(String key) {
		return findFeature(key)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.FEATURE_NOT_FOUND, "Feature", key));
	}

	/**
	 * The cheapest active plan (then by key) that {@code allows}: what a refusal suggests
	 * upgrading to.
	 */
	public Optional<Plan> cheapestActivePlan(Predicate<Plan> allows) {
		return plans().stream()
			.filter(Plan::isActive)
			.sorted(Comparator.comparingLong((Plan p) -> p.definition().price()).thenComparing(Plan::key))
			.filter(allows)
			.findFirst();
	}

	/** The current version of every plan, active and archived, cheapest first. */
	public List<Plan> plans() {
		return cache.get().currentPlans();
	}

	/** The current version of a plan. */
	public Plan plan(String key) {
		return findPlan(key).orElseThrow(() -> PlangateException.notFound(ErrorCode.PLAN_NOT_FOUND, "Plan", key));
	}

	public Optional<Plan> findPlan(String key) {
		return repository.currentPlan(key);
	}

	/**
	 * One version of a plan (its content never changes), compared with the stored catalog
	 * when this node does not know it.
	 */
	public Plan planVersion(String key, int version) {
		return cache.get()
			.version(key, version)
			.or(() -> cache.fresh().version(key, version))
			.orElseThrow(() -> new PlangateException(ErrorCode.PLAN_VERSION_NOT_FOUND,
					"Plan '" + key + "' has no version " + version)
				.with("plan", key)
				.with("version", version));
	}

	/**
	 * The plan version a Stripe price sells (the current one when several versions share
	 * the price).
	 */
	public Optional<Plan> planVersionByStripePrice(String price) {
		return repository.planVersionByStripePrice(price);
	}

	public List<Plan> planVersions(String key) {
		var versions = repository.planVersions(key);
		if (versions.isEmpty()) {
			throw PlangateException.notFound(ErrorCode.PLAN_NOT_FOUND, "Plan", key);
		}
		return versions;
	}

	/** The plan new customers start on. */
	public Plan defaultPlan() {
		return plans().stream()
			.filter(Plan::isDefault)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The catalog has no default plan"));
	}

	/**
	 * The plan a customer may be moved to: an active plan, named in a request's
	 * {@code field}.
	 * @throws PlangateException {@code unknown_plan} or {@code plan_archived}
	 */
	public Plan choosablePlan(String key, String field) {
		var plan = findPlan(key)
			.orElseThrow(() -> new PlangateException(ErrorCode.UNKNOWN_PLAN, "Plan '" + key + "' does not exist",
					List.of(new FieldError(field, "unknown plan '" + key + "'")))
				.with("plan", key));
		if (!plan.isActive()) {
			throw new PlangateException(ErrorCode.PLAN_ARCHIVED, "Plan '" + key + "' is archived and cannot be chosen",
					List.of(new FieldError(field, "plan '" + key + "' is archived")))
				.with("plan", key);
		}
		return plan;
	}

	// admin changes

	@Transactional
	public Plan createPlan(JsonNode body) {
		var definition = readPlan(body, null);
		if (repository.lockPlan(definition.key()).isPresent()) {
			throw new PlangateException(ErrorCode.PLAN_EXISTS, "Plan '" + definition.key() + "' exists",
					List.of(new FieldError("key", "plan '" + definition.key() + "' exists")))
				.with("plan", definition.key());
		}
		var now = clock.instant();
		repository.insertPlan(definition.key(), "api", now);
		repository.insertVersion(definition, 1, Actor.current().name(), now);
		cache.changed();
		auditLog.record("plan.created", "plan", definition.key(), null, definition);
		return plan(definition.key());
	}

	/**
	 * Replaces a plan's definition: a new version when anything differs, none when
	 * nothing does.
	 */
	@Transactional
	public Plan updatePlan(String key, JsonNode body) {
		var row = repository.lockPlan(key)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.PLAN_NOT_FOUND, "Plan", key));
		var definition = readPlan(body, key);
		var before = plan(key);
		if (before.definition().equals(definition)) {
			return before;
		}
		repository.insertVersion(definition, row.currentVersion() + 1, Actor.current().name(), clock.instant());
		cache.changed();
		var after = plan(key);
		auditLog.record("plan.version_created", "plan", key, before.definition(), after.definition());
		return after;
	}

	@Transactional
	public Plan setStatus(String key, PlanStatus status) {
		var row = repository.lockPlan(key)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.PLAN_NOT_FOUND, "Plan", key));
		var before = plan(key);
		if (status == PlanStatus.ARCHIVED && before.isDefault()) {
			throw new PlangateException(ErrorCode.DEFAULT_PLAN_REQUIRED,
					"Plan '" + key + "' is the default plan for new customers and cannot be archived")
				.with("plan", key);
		}
		if (row.status() != status) {
			repository.setStatus(key, status, row.source(), clock.instant());
			cache.changed();
			auditLog.record(status == PlanStatus.ARCHIVED ? "plan.archived" : "plan.activated", "plan", key,
					before.status().id(), status.id());
		}
		return plan(key);
	}

	private PlanDefinition readPlan(JsonNode body, String pathKey) {
		if (!(body instanceof ObjectNode object)) {
			throw new PlangateException(ErrorCode.INVALID_PLAN, "A plan must be a JSON object");
		}
		if (pathKey != null) {
			var key = object.get("key");
			if (key == null) {
				object.put("key", pathKey);
			}
			else if (!key.isString() || !key.stringValue().equals(pathKey)) {
				throw new PlangateException(ErrorCode.INVALID_PLAN, "The key in the body must match the path",
						List.of(new FieldError("key", "must be '" + pathKey + "' or absent")));
			}
		}
		PlanDefinition definition;
		List<String> problems;
		try {
			definition = reader.readPlan(object, repository.currency(), featuresByKey());
			problems = ruleProblems(definition);
		}
		catch (CatalogException ex) {
			problems = ex.problems();
			definition = null;
		}
		if (definition == null || !problems.isEmpty()) {
			var errors = problems.stream().map(p -> new FieldError(fieldOf(p), p)).toList();
			throw new PlangateException(ErrorCode.INVALID_PLAN,
					"The plan has " + errors.size() + " problem" + (errors.size() == 1 ? "" : "s"), errors);
		}
		return definition;
	}

	private List<String> ruleProblems(PlanDefinition plan) {
		var problems = new ArrayList<String>();
		for (var rule : rules) {
			problems.addAll(rule.problems(plan));
		}
		return problems;
	}

	/**
	 * The field a reader problem is about, from its text ("plan 'x': price must be ..."
	 * names price).
	 */
	private static String fieldOf(String problem) {
		var rest = problem.replaceFirst("^plan [^:]*: ", "");
		var entitlement = Pattern.compile("^entitlement '([^']+)'").matcher(rest);
		if (entitlement.find()) {
			return "entitlements." + entitlement.group(1);
		}
		var unknown = Pattern.compile("^unknown field '([^']+)'").matcher(rest);
		if (unknown.find()) {
			return unknown.group(1);
		}
		int space = rest.indexOf(' ');
		int colon = rest.indexOf(':');
		int end = space < 0 ? colon : colon < 0 ? space : Math.min(space, colon);
		return end <= 0 ? "(body)" : rest.substring(0, end);
	}

}
