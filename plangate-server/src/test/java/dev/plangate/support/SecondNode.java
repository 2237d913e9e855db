package dev.plangate.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;

import dev.plangate.PlangateApplication;

/**
 * Another node of the cluster a test class's server belongs to: a second server in this
 * JVM, on the same database, catalog and {@code plangate.*} settings (the event bus's
 * namespace included), started the first time it is asked for, once the first server has
 * migrated the database. Hold one in a static field and {@link #stop} it after all.
 */
public final class SecondNode {

	/** Settings outside {@code plangate.*} a node of the same cluster shares. */
	private static final List<String> SHARED = List.of("spring.datasource.url", "spring.datasource.username",
			"spring.datasource.password", "spring.flyway.schemas", "spring.mail.host", "spring.mail.port");

	private @Nullable ConfigurableApplicationContext context;

	/** Starts the node, unless it runs, like the server whose environment is given. */
	public synchronized SecondNode startLike(Environment first) {
		if (context == null) {
			var args = new ArrayList<String>(List.of("--server.port=0"));
			for (var property : properties(first)) {
				var value = first.getProperty(property);
				if (value != null) {
					args.add("--" + property + "=" + value);
				}
			}
			context = new SpringApplicationBuilder(PlangateApplication.class).profiles("test")
				.run(args.toArray(String[]::new));
		}
		return this;
	}

	private static Set<String> properties(Environment first) {
		var names = new LinkedHashSet<String>(SHARED);
		if (first instanceof ConfigurableEnvironment configurable) {
			for (var source : configurable.getPropertySources()) {
				if (source instanceof EnumerablePropertySource<?> enumerable) {
					for (var name : enumerable.getPropertyNames()) {
						if (name.startsWith("plangate.")) {
							names.add(name);
						}
					}
				}
			}
		}
		return names;
	}

	/** A client of this node holding {@code key}. */
	public Api api(@Nullable String key) {
		return new Api(port(), key);
	}

	public int port() {
		return running().getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/** One of this node's beans. */
	public <T> T bean(Class<T> type) {
		return running().getBean(type);
	}

	private ConfigurableApplicationContext running() {
		var running = context;
		if (running == null) {
			throw new IllegalStateException("The second node is not started: call startLike first");
		}
		return running;
	}

	public synchronized void stop() {
		if (context != null) {
			context.close();
			context = null;
		}
	}

}
