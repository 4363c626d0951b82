import PlumbGraph

/// Companion resources: resources that configure another one and carry no tags of their own (an
/// S3 bucket's policy, versioning or replication configuration, a DynamoDB table replica, a queue
/// policy, a Lambda permission). The plan reader connects each to the resource it belongs to
/// (`companionOf`, inverse `hasCompanion`), and the cross-source linker gives it that resource's
/// component and owner links (docs/inputs/terraform-plan.md, "Companion resources").
enum TerraformCompanions {
  /// The argument that names the resource a companion belongs to, by resource type.
  static let parentArgumentByType: [String: String] = [
    "aws_dynamodb_table_replica": "global_table_arn",
    "aws_dynamodb_kinesis_streaming_destination": "table_name",
    "aws_dynamodb_contributor_insights": "table_name",
    "aws_dynamodb_resource_policy": "resource_arn",
    "aws_sqs_queue_policy": "queue_url",
    "aws_sqs_queue_redrive_policy": "queue_url",
    "aws_sqs_queue_redrive_allow_policy": "queue_url",
    "aws_sns_topic_policy": "arn",
    "aws_sns_topic_data_protection_policy": "arn",
    "aws_sns_topic_subscription": "topic_arn",
    "aws_ecr_repository_policy": "repository",
    "aws_ecr_lifecycle_policy": "repository",
    "aws_kms_key_policy": "key_id",
    "aws_kms_alias": "target_key_id",
    "aws_kms_replica_key": "primary_key_arn",
    "aws_lambda_permission": "function_name",
    "aws_lambda_function_url": "function_name",
    "aws_lambda_alias": "function_name",
    "aws_lambda_function_event_invoke_config": "function_name",
    "aws_lambda_provisioned_concurrency_config": "function_name",
    "aws_secretsmanager_secret_policy": "secret_arn",
    "aws_secretsmanager_secret_version": "secret_id",
    "aws_secretsmanager_secret_rotation": "secret_id",
    "aws_opensearch_domain_policy": "domain_name",
    "aws_elasticsearch_domain_policy": "domain_name",
    "aws_efs_file_system_policy": "file_system_id",
    "aws_efs_backup_policy": "file_system_id",
    "aws_efs_mount_target": "file_system_id",
    "aws_efs_replication_configuration": "source_file_system_id",
    "aws_db_instance_automated_backups_replication": "source_db_instance_arn",
    "aws_glacier_vault_lock": "vault_name",
    "aws_cloudwatch_log_subscription_filter": "log_group_name",
    "aws_ecr_replication_configuration": "",
    "google_storage_bucket_iam_member": "bucket",
    "google_storage_bucket_iam_binding": "bucket",
    "google_storage_bucket_iam_policy": "bucket",
    "google_storage_bucket_acl": "bucket",
    "google_storage_default_object_acl": "bucket",
  ]

  /// The argument naming a companion's resource: from the table, else `bucket` for every other
  /// `aws_s3_…` type (`aws_s3_bucket_policy`, `aws_s3_bucket_versioning`, …); nil for other types.
  static func parentArgument(ofType type: String) -> String? {
    if let argument = parentArgumentByType[type] { return argument.isEmpty ? nil : argument }
    if type.hasPrefix("aws_s3_") && type != "aws_s3_bucket" { return "bucket" }
    return nil
  }

  /// Whether a resource with these effective tags (the `tags` attribute) has none of its own:
  /// no tags at all, or a known empty map. Unknown tags are not "none".
  static func isUntagged(_ tags: Value?) -> Bool {
    guard let tags else { return true }
    switch tags.kind {
    case .missing, .null: return true
    case .map: return tags.entries.isEmpty
    default: return false
    }
  }
}
