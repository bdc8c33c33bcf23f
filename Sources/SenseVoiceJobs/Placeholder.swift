import GRDB
import Logging
import Metrics
import ServiceLifecycle
