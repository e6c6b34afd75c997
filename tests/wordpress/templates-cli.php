<?php
/**
 * Message-template test driver (test site only), run by
 * tests/e2e/test/templates.test.mjs as php-fpm's user with the extension loaded:
 *
 *   php -d extension=libwpwa.so templates-cli.php COMMAND [JSON]
 *
 * Commands (JSON argument, JSON answer on stdout):
 *   send {to, name, language, params}  sends template `name` to customer `to`
 *                                    from the marketplace's number, the way the
 *                                    plugin sends (Core::message_send through
 *                                    the marketplace's message connection);
 *                                    answers `sent` (wamid) or `error` (code,
 *                                    message, data)
 *   scheduled                        the next run of the daily template refresh
 *                                    on Action Scheduler (Unix seconds, or null)
 *   templates                        the templates the core keeps
 *
 * Environment: WPWA_DOCROOT, WPWA_SITE_URL.
 */

require __DIR__ . '/cli-bootstrap.php';
require $wpwa_docroot . '/wp-load.php';

use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Messages\Templates;

$command = $argv[1] ?? '';
$input   = isset( $argv[2] ) ? json_decode( $argv[2], true ) : array();
$input   = is_array( $input ) ? $input : array();

function wpwa_templates_out( $data ): void {
	echo wp_json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT ), "\n";
	exit( 0 );
}

switch ( $command ) {
	case 'send':
		$connection = Connections::cloud( 0, Connections::MESSAGES );
		if ( is_wp_error( $connection ) ) {
			fwrite( STDERR, 'templates-cli: ' . $connection->get_error_message() . "\n" );
			exit( 1 );
		}
		if ( ! empty( $input['marketing_consent'] ) ) {
			Core::consent_record( (string) $input['to'], 'marketing', true, 'admin', 'Offers from the shop on WhatsApp' );
		}
		$parameters = array_map(
			static fn( $text ) => array(
				'type' => 'text',
				'text' => (string) $text,
			),
			(array) ( $input['params'] ?? array() )
		);
		$result     = Core::message_send(
			0,
			(string) $input['to'],
			array(
				'type'       => 'template',
				'name'       => (string) $input['name'],
				'language'   => (string) ( $input['language'] ?? 'en_US' ),
				'components' => array(
					array(
						'type'       => 'body',
						'parameters' => $parameters,
					),
				),
			),
			$connection,
			array( 'pacing_seconds' => 0 ) + \Wpwa\Plugin\Messages\Config::limits( 0 )
		);
		wpwa_templates_out(
			is_wp_error( $result )
				? array(
					'error' => array(
						'code'    => $result->get_error_code(),
						'message' => $result->get_error_message(),
						'data'    => $result->get_error_data(),
					),
				)
				: array( 'sent' => $result['wamid'] )
		);
		break;
	case 'scheduled':
		$next = function_exists( 'as_next_scheduled_action' ) ? as_next_scheduled_action( Templates::REFRESH_HOOK, array(), Templates::GROUP ) : false;
		wpwa_templates_out( array( 'next' => false === $next ? null : $next ) );
		break;
	case 'refresh':
		wpwa_templates_out( Templates::refresh_all() );
		break;
	case 'templates':
		wpwa_templates_out( Templates::all() );
		break;
	default:
		fwrite( STDERR, "templates-cli: unknown command $command\n" );
		exit( 2 );
}
