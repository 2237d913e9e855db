package dev.plangate.platform;

import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Redis pub/sub when {@code PLANGATE_REDIS_URL} is set (any number of nodes), else this
 * process (one node).
 */
@Configuration(proxyBeanMethods = false)
class EventBusConfiguration {

	@Bean
	EventBus eventBus(PlatformSettings settings) {
		var redisUrl = settings.redisUrl();
		var namespace = settings.eventBus().namespace();
		if (redisUrl.isBlank()) {
			LoggerFactory.getLogger(EventBusConfiguration.class)
				.info("Events are passed within this process; set PLANGATE_REDIS_URL to pass them between nodes");
			return new LocalEventBus();
		}
		LoggerFactory.getLogger(EventBusConfiguration.class)
			.info("Events are passed between nodes through Redis at {}, on channels {}:*",
					RedisLocation.describe(redisUrl), namespace);
		return new RedisEventBus(redisUrl, namespace);
	}

}
