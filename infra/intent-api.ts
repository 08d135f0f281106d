import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Model,
  type RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as z from 'zod';
import { submittedIntentSchema } from '../lambdas/core/intent.js';
import { toApiGatewaySchema } from './api-model-schema.js';

export interface IntentApiProps {
  submitIntent: IFunction;
  getIntent: IFunction;
  reviewIntent: IFunction;
  exportLedger: IFunction;
  getCheckpoints: IFunction;
  getEvidence: IFunction;
  reportValue: IFunction;
  grantDelegation: IFunction;
  revokeDelegation: IFunction;
  releaseDecision: IFunction;
  logRetention: RetentionDays;
}

/** The teams' REST surface: IAM-authorized, validated against the intent contract, access-logged and traced. */
export class IntentApi extends Construct {
  readonly api: RestApi;
  readonly intentModel: Model;
  readonly validator: RequestValidator;

  constructor(scope: Construct, id: string, props: IntentApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new RestApi(this, 'Api', {
      restApiName: 'itv',
      description:
        'itv: intents (submit, status, review, release decisions, evidence), the ledger, value, delegations',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'itv-body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.intentModel = this.api.addModel('IntentModel', {
      modelName: 'Intent',
      contentType: 'application/json',
      description: 'itv/v1 Intent, generated from the zod intent schema',
      schema: toApiGatewaySchema(z.toJSONSchema(submittedIntentSchema, { io: 'input' })),
    });

    const intents = this.api.root.addResource('intents');
    intents.addMethod('POST', new LambdaIntegration(props.submitIntent), {
      requestValidator: this.validator,
      requestModels: { 'application/json': this.intentModel },
    });
    const intent = intents.addResource('{id}');
    const idParameter = { 'method.request.path.id': true };
    intent.addMethod('GET', new LambdaIntegration(props.getIntent), {
      requestValidator: this.validator,
      requestParameters: idParameter,
    });
    intent.addResource('review').addMethod('POST', new LambdaIntegration(props.reviewIntent), {
      requestValidator: this.validator,
      requestParameters: idParameter,
    });
    intent.addResource('release-decision').addMethod('POST', new LambdaIntegration(props.releaseDecision), {
      requestValidator: this.validator,
      requestParameters: idParameter,
    });

    intent.addResource('evidence').addMethod('GET', new LambdaIntegration(props.getEvidence), {
      requestValidator: this.validator,
      requestParameters: idParameter,
    });

    // Query parameters are declared optional: the handlers check their values and name a bad one.
    const ledger = this.api.root.addResource('ledger');
    ledger.addMethod('GET', new LambdaIntegration(props.exportLedger), {
      requestValidator: this.validator,
      requestParameters: {
        'method.request.querystring.after': false,
        'method.request.querystring.limit': false,
      },
    });
    ledger.addResource('checkpoints').addMethod('GET', new LambdaIntegration(props.getCheckpoints), {
      requestValidator: this.validator,
    });
    this.api.root.addResource('value').addMethod('GET', new LambdaIntegration(props.reportValue), {
      requestValidator: this.validator,
      requestParameters: { 'method.request.querystring.by': false },
    });
    const delegations = this.api.root.addResource('delegations');
    // No body model: the handler names each bad field, a `from` among them, where a model would only say 400.
    delegations.addMethod('POST', new LambdaIntegration(props.grantDelegation), {
      requestValidator: this.validator,
    });
    delegations.addResource('{id}').addMethod('DELETE', new LambdaIntegration(props.revokeDelegation), {
      requestValidator: this.validator,
      requestParameters: { ...idParameter, 'method.request.querystring.reason': false },
    });
  }
}
