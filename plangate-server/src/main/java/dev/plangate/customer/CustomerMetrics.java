package dev.plangate.customer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Customers by plan and status in the whole system ({@code plangate.customers}), read
 * from the database with one grouped query every
 * {@code plangate.customers.metrics-refresh}, never when Prometheus scrapes: a scrape
 * costs the database nothing.
 */
@Component
class CustomerMetrics implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(CustomerMetrics.class);

	private final CustomerRepository repository;

	private final CustomerSettings settings;

	private final MultiGauge customers;

	CustomerMetrics(CustomerRepository repository, CustomerSettings settings, MeterRegistry registry) {
		this.repository = repository;
		this.settings = settings;
		this.customers = MultiGauge.builder("plangate.customers")
			.description("Customers not deleted, by plan, subscription status and customer status, in the whole system")
			.register(registry);
	}

	@java.lang.Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::refreshQuietly, settings.metricsRefresh());
	}

	/** Reads the counts again. */
	void refresh() {
		customers.register(repository.countByPlanAndStatus()
			.stream()
			.map(c -> MultiGauge.Row.of(
					Tags.of("plan", c.plan(), "status", c.status(), "customer_status", c.customerStatus()),
					c.customers()))
			.toList(), true);
	}

	private void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			// the gauge keeps its last counts; the next round tries again
			log.warn("Reading customers by plan and status failed: {}", ex.toString());
		}
	}

}
