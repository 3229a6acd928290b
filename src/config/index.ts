export { type AppConfig, ConfigError, type LoadedConfig, loadConfig } from './app-config';
export { APP_CONFIG, ConfigModule, InjectConfig } from './config.module';
