<?php
/**
 * Nothing to see here: keeps the folder from being listed.
 *
 * @package Wpwa\Plugin
 */

defined( 'ABSPATH' ) || exit;
