package dev.plangate.enforcement;

import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.plangate.platform.PlatformSettings;
import dev.plangate.platform.RedisLocation;

/**
 * Redis when {@code PLANGATE_REDIS_URL} is set (any number of nodes), else this process
 * (one node).
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

	@Bean
	RateLimitStore rateLimitStore(PlatformSettings settings) {
		var redisUrl = settings.redisUrl();
		var prefix = settings.redisPrefix();
		if (redisUrl.isBlank()) {
			LoggerFactory.getLogger(RateLimitConfiguration.class)
				.info("Rate limits are kept in this process; set PLANGATE_REDIS_URL to share them between nodes");
			return new InMemoryRateLimitStore();
		}
		LoggerFactory.getLogger(RateLimitConfiguration.class)
			.info("Rate limits are shared by every node through Redis at {}, under keys {}*",
					RedisLocation.describe(redisUrl), prefix);
		return new RedisRateLimitStore(redisUrl, prefix);
	}

}
