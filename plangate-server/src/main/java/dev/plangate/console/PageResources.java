package dev.plangate.console;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;

import jakarta.servlet.DispatcherType;

/**
 * The links of the console's and the portal's pages to their resources (the webjars) are
 * resolved by Spring Boot's {@link ResourceUrlEncodingFilter}, which Boot registers for
 * every request. Only these pages have such links, so it runs for their paths alone: on
 * any other request its wrapper worked out the request's lookup path again each time an
 * attribute was set, a cost every API request paid.
 */
@Configuration(proxyBeanMethods = false)
class PageResources {

	@Bean
	FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
		var registration = new FilterRegistrationBean<>(new ResourceUrlEncodingFilter());
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
		registration.addUrlPatterns("/console/*", "/portal/*");
		return registration;
	}

}
