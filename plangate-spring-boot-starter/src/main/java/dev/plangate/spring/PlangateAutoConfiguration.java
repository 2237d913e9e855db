package dev.plangate.spring;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.plangate.client.LocalEvaluation;
import dev.plangate.client.Plangate;
import dev.plangate.client.RetryPolicy;
import dev.plangate.client.TrackFailureHandler;

/**
 * The {@link Plangate} client, once {@code plangate.url} is set (with
 * {@code plangate.api-key}), and what the {@link RequiresFeature}, {@link Consumes} and
 * {@link ConcurrencyLimited} annotations need: the method interceptor on every bean that
 * carries one, and in a servlet web application the {@link PlangateProblemHandler}
 * answering refusals.
 */
@AutoConfiguration
@ConditionalOnClass(Plangate.class)
@ConditionalOnProperty(prefix = "plangate", name = "url")
@EnableConfigurationProperties(PlangateProperties.class)
@Import(PlangateAutoConfiguration.AutoProxying.class)
public class PlangateAutoConfiguration {

	/**
	 * The client, closed with the application context: the usage it tracked is sent
	 * first. A {@link TrackFailureHandler} bean is told of tracked usage that will not be
	 * recorded.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Plangate plangate(PlangateProperties properties, ObjectProvider<TrackFailureHandler> trackFailures) {
		if (properties.getUrl() == null || properties.getApiKey() == null || properties.getApiKey().isBlank()) {
			throw new IllegalStateException("plangate.url is set but plangate.api-key is not: "
					+ "set it to a Plangate server key (pg_sk_...)");
		}
		var retry = properties.getRetry();
		var track = properties.getTrack();
		var builder = Plangate.builder(properties.getUrl(), properties.getApiKey())
			.connectTimeout(properties.getConnectTimeout())
			.requestTimeout(properties.getRequestTimeout())
			.closeTimeout(properties.getCloseTimeout())
			.retryPolicy(new RetryPolicy(retry.getMaxAttempts(), retry.getInitialBackoff(), retry.getMaxBackoff(),
					retry.getMaxRetryAfter()))
			.trackBufferSize(track.getBufferSize())
			.trackBatchSize(track.getBatchSize())
			.trackSenders(track.getSenders())
			.trackFlushInterval(track.getFlushInterval())
			.trackBlockTimeout(track.getBlockTimeout())
			.allowanceMaxBlock(properties.getAllowance().getMaxBlock())
			.allowanceWindow(properties.getAllowance().getWindow())
			.allowanceIdle(properties.getAllowance().getIdle())
			// the application context closes it, after the beans that use it
			.shutdownHook(false);
		var local = properties.getLocalEvaluation();
		if (local.isEnabled()) {
			builder.localEvaluation(new LocalEvaluation(local.getStalenessBound(), local.getMaxCustomers(),
					local.getIdleExpiry(), local.getReconnectMin(), local.getReconnectMax()));
		}
		trackFailures.ifAvailable(builder::onTrackFailure);
		return builder.build();
	}

	/**
	 * Puts {@link PlangateGuard} around every method of a bean annotated on the method or
	 * its class.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor plangateGuardAdvisor(ObjectProvider<Plangate> plangate,
			ObjectProvider<PlangateCustomerResolver> resolver, ObjectProvider<PlangateProperties> properties) {
		var pointcut = new ComposablePointcut(AnnotationMatchingPointcut.forMethodAnnotation(RequiresFeature.class));
		pointcut.union(AnnotationMatchingPointcut.forMethodAnnotation(Consumes.class))
			.union(AnnotationMatchingPointcut.forMethodAnnotation(ConcurrencyLimited.class))
			.union(new AnnotationMatchingPointcut(RequiresFeature.class, true))
			.union(new AnnotationMatchingPointcut(Consumes.class, true))
			.union(new AnnotationMatchingPointcut(ConcurrencyLimited.class, true));
		Supplier<@Nullable String> idempotencyKey = WebRequests.PRESENT
				? () -> WebRequests.header(properties.getObject().getWeb().getIdempotencyKeyHeader()) : () -> null;
		var advisor = new DefaultPointcutAdvisor(pointcut, new PlangateGuard(plangate, resolver, idempotencyKey));
		advisor.setOrder(0);
		return advisor;
	}

	/** Answers refusals in a servlet web application. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
	static class Web {

		@Bean
		@ConditionalOnMissingBean
		PlangateProblemHandler plangateProblemHandler() {
			return new PlangateProblemHandler();
		}

	}

	/** The client's health at {@code /actuator/health}, as {@code plangate}. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
	static class HealthIndicatorConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "plangateHealthIndicator")
		@ConditionalOnProperty(prefix = "management.health.plangate", name = "enabled", matchIfMissing = true)
		PlangateHealthIndicator plangateHealthIndicator(Plangate plangate) {
			return new PlangateHealthIndicator(plangate);
		}

	}

	/** The client's meters in the application's Micrometer registry. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class Metrics {

		@Bean
		@ConditionalOnMissingBean
		PlangateMetrics plangateMetrics(Plangate plangate) {
			return new PlangateMetrics(plangate);
		}

	}

	/**
	 * Makes sure an auto-proxy creator applies the guard's advisor, whatever the
	 * application's AOP setup (none needs AspectJ), proxying classes so that controllers
	 * stay what they are.
	 */
	static class AutoProxying implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
			AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
		}

	}

	/** The current servlet request's headers, when Spring Web is there. */
	static final class WebRequests {

		static final boolean PRESENT = org.springframework.util.ClassUtils.isPresent(
				"org.springframework.web.context.request.RequestContextHolder", WebRequests.class.getClassLoader());

		private WebRequests() {
		}

		static @Nullable String header(String name) {
			if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
				return attributes.getRequest().getHeader(name);
			}
			return null;
		}

	}

}
