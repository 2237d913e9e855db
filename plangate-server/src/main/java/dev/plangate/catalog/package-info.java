/**
 * Features and plans as code: the catalog file, plan versions, the public plan list and
 * the admin plan API.
 */
@org.jspecify.annotations.NullMarked
package dev.plangate.catalog;
